package dev.tern.topic;

/** Hears of a cache's topics (a prefix subscription): see {@link TopicEngine#watchTopics}. */
public interface TopicWatcher {
    /**
     * A topic of the cache. {@code existed}: it was there when the watch began (followed live, like a named topic);
     * otherwise it was created since (followed from its first message). A topic may be told more than once.
     */
    void found(TopicKey topic, boolean existed);

    /** The cache was deleted or the engine stops: no topic will be told any more, and the watch is over. */
    void ended(SubscriptionEnd reason);
}
