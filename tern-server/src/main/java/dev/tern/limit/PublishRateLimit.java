package dev.tern.limit;

import io.vertx.core.Future;

/** Holds each cache to its {@code max_publish_rate}: on this node alone, or across every node sharing a Redis. */
public interface PublishRateLimit {

    /** Succeeds when one more publish fits the cache's rate, else fails (or throws) with a 429. A rate of 0 is unlimited. */
    Future<Void> admit(String cacheName, int ratePerSecond);

    /** The cache was deleted. */
    void forget(String cacheName);
}
