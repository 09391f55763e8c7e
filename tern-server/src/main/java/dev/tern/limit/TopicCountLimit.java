package dev.tern.limit;

import dev.tern.error.LimitKind;
import dev.tern.error.TernException;
import dev.tern.topic.TopicKey;
import io.vertx.core.Future;

/**
 * The bounds on how many topics exist: per node ({@code --max-topics}) and per cache ({@code max_topic_count}). Only
 * a publish or subscribe that would create a topic is refused; topics already held keep working. What counts as held
 * depends on the engine (docs/limits.md): {@link TopicCounter} in memory, {@code RedisTopicCounts} with Redis.
 */
public interface TopicCountLimit {

    /** Before a publish: succeeds when it may go ahead, else fails (or throws) with a 429 naming the bound. */
    Future<Void> admitPublish(TopicKey topic, int maxPerCache);

    /** Before a subscribe: throws a 429 naming the bound when the subscription may not start. */
    void admitSubscribe(TopicKey topic, int maxPerCache);

    /** The refusal when the node holds {@code maxTopics}. */
    static TernException nodeBoundReached(long maxTopics, long retryAfterSeconds) {
        return TernException.limitExceeded(LimitKind.TOPICS, "this server holds its limit of " + maxTopics
                + " topics (--max-topics); existing topics work, new ones can be made once idle topics are forgotten",
                retryAfterSeconds);
    }

    /** The refusal when the cache holds {@code maxPerCache}. */
    static TernException cacheBoundReached(String cacheName, long maxPerCache, long retryAfterSeconds) {
        return TernException.limitExceeded(LimitKind.TOPICS, "cache " + cacheName + " holds its limit of " + maxPerCache
                + " topics (max_topic_count); existing topics work, new ones can be made once idle topics are forgotten",
                retryAfterSeconds);
    }
}
