package dev.tern.limit;

import dev.tern.error.LimitKind;
import dev.tern.error.TernException;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Concurrent subscriptions per cache, held against the cache's {@code max_subscription_count}. */
public final class SubscriptionCounter implements SubscriptionLimit {
    /** How long a client refused for too many subscriptions is told to wait. */
    private static final long RETRY_AFTER_SECONDS = 1;

    private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    /** Counts one more subscription or throws a 429. A maximum of 0 is unlimited. Pair every success with {@link #release}. */
    @Override
    public void acquire(String cacheName, int maxSubscriptions) {
        AtomicInteger count = counts.computeIfAbsent(cacheName, name -> new AtomicInteger());
        int now = count.incrementAndGet();
        if (maxSubscriptions > 0 && now > maxSubscriptions) {
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
}
