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

    /**
     * Tells {@code watcher} of the cache's topics (on the caller's Vert.x context): of every topic that exists now
     * ({@code existed}: at once on the calling thread, or, for an engine that must ask elsewhere, soon after), and of
     * each topic created later, until the returned watch is cancelled; and of the cache's deletion or the engine's
     * shutdown, which ends the watch. For prefix subscriptions; engines that cannot tell throw
     * {@link UnsupportedOperationException}.
     */
    default Subscription watchTopics(String cacheName, TopicWatcher watcher) {
        throw new UnsupportedOperationException("this engine cannot list a cache's topics");
    }

    /** Ends every subscription to the cache's topics with {@link SubscriptionEnd#CACHE_DELETED} and forgets the topics. */
    void deleteCache(String cacheName);

    /**
     * Forgets the topic if it is still on {@code page}, ending its subscriptions with
     * {@link SubscriptionEnd#CACHE_DELETED}: a publish that raced its cache's deletion must not leave the topic
     * behind for a cache created again under the same name. The default does nothing (engines whose topics are
     * keyed beyond one process's lifetime decide for themselves).
     */
    default void discardTopic(TopicKey topic, long page) {
    }

    /** Ends every subscription with {@link SubscriptionEnd#SHUTDOWN}. */
    void close();

    EngineStats stats();

    /** The live topics of a cache, as this engine sees them. */
    Future<TopicListing> topics(String cacheName);

    /**
     * The same topics with the figures {@link #topics} may leave {@link TopicSnapshot#UNKNOWN} because each costs a
     * read (on Redis: page, last sequence number and history, kept with the topic's messages); called for the page of
     * a listing that is shown. The default answers them as they are.
     */
    default Future<List<TopicSnapshot>> withStoredFigures(String cacheName, List<TopicSnapshot> topics) {
        return Future.succeededFuture(topics);
    }

    /**
     * Whether the engine holds this topic now: a publish or subscribe to it would not create one. The topic-count
     * limits apply only to topics not held. The default answers true (the engine does not count its topics).
     */
    default boolean holdsTopic(TopicKey topic) {
        return true;
    }

    /** Topics the engine holds for one cache (0 when it does not count them). */
    default long topicCount(String cacheName) {
        return 0;
    }

    /** False while the engine cannot store messages (e.g. its Redis is unreachable); the node then reports not ready. */
    default boolean isAvailable() {
        return true;
    }
}
