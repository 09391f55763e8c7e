package dev.tern.topic;

import io.vertx.core.Future;

import java.util.List;

/**
 * Topics of all caches: sequencing, bounded history and fan-out. Knows nothing of transports, tokens or limits;
 * callers go through the topic gateway, which checks those first. Implementations: in memory (the default), Redis.
 */
public interface TopicEngine {

    /** Appends a message and fans it out; completes with the place it was given. */
    Future<PublishReceipt> publish(TopicKey topic, TopicValue value, String publisherId);

    /**
     * Replays from {@code from} (preceded by a discontinuity when the position is lost) and then delivers live
     * messages. Must be called on a Vert.x context; the listener is always called on that context.
     */
    Subscription subscribe(TopicKey topic, StartPosition from, SubscriptionListener listener);

    /** Ends every subscription to the cache's topics with {@link SubscriptionEnd#CACHE_DELETED} and forgets the topics. */
    void deleteCache(String cacheName);

    /** Ends every subscription with {@link SubscriptionEnd#SHUTDOWN}. */
    void close();

    EngineStats stats();

    /** The live topics of a cache, as this engine sees them (any order). */
    Future<List<TopicSnapshot>> topics(String cacheName);

    /** {@code server} when {@link #topics} covers every subscriber, {@code node} when only this node's. */
    default String topicsScope() {
        return "server";
    }

    /** False while the engine cannot store messages (e.g. its Redis is unreachable); the node then reports not ready. */
    default boolean isAvailable() {
        return true;
    }
}
