package dev.tern.limit;

/** Holds each cache to its {@code max_subscription_count}: on this node alone, or across every node sharing a Redis. */
public interface SubscriptionLimit {

    /** Counts one more subscription or throws a 429. A maximum of 0 is unlimited. Pair every success with {@link #release}. */
    void acquire(String cacheName, int maxSubscriptions);

    void release(String cacheName);
}
