package dev.tern.limit;

import dev.tern.error.LimitKind;
import dev.tern.error.TernException;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * Concurrent subscriptions per cache, held against the cache's {@code max_subscription_count}. This node's own
 * subscriptions are counted exactly; {@code heldElsewhere} adds those other nodes hold (none for a single node).
 */
public final class SubscriptionCounter implements SubscriptionLimit {
    /** How long a client refused for too many subscriptions is told to wait. */
    private static final long RETRY_AFTER_SECONDS = 1;

    private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final ToIntFunction<String> heldElsewhere;

    /** A counter for one node on its own. */
    public SubscriptionCounter() {
        this(cacheName -> 0);
    }

    /** @param heldElsewhere the subscriptions of a cache that other nodes hold, as last known */
    public SubscriptionCounter(ToIntFunction<String> heldElsewhere) {
        this.heldElsewhere = heldElsewhere;
    }

    /** Counts one more subscription or throws a 429. A maximum of 0 is unlimited. Pair every success with {@link #release}. */
    @Override
    public void acquire(String cacheName, int maxSubscriptions) {
        AtomicInteger count = counts.computeIfAbsent(cacheName, name -> new AtomicInteger());
        int now = count.incrementAndGet();
        if (maxSubscriptions > 0 && now + heldElsewhere.applyAsInt(cacheName) > maxSubscriptions) {
            count.decrementAndGet();
            throw TernException.limitExceeded(LimitKind.SUBSCRIPTIONS,
                    "cache " + cacheName + " already has its maximum of " + maxSubscriptions + " subscriptions",
                    RETRY_AFTER_SECONDS);
        }
    }

    @Override
    public void release(String cacheName) {
        AtomicInteger count = counts.get(cacheName);
        if (count != null) {
            count.decrementAndGet();
        }
    }

    public int current(String cacheName) {
        AtomicInteger count = counts.get(cacheName);
        return count == null ? 0 : count.get();
    }

    /** This node's subscriptions per cache, leaving out caches with none. */
    public Map<String, Integer> snapshot() {
        Map<String, Integer> held = new HashMap<>();
        counts.forEach((cacheName, count) -> {
            int value = count.get();
            if (value > 0) {
                held.put(cacheName, value);
            }
        });
        return held;
    }
}
