package dev.tern.limit;

import dev.tern.error.LimitKind;
import dev.tern.error.TernException;
import dev.tern.topic.TopicEngine;
import dev.tern.topic.TopicKey;

import java.time.Duration;

/**
 * The bounds on how many topics exist: per node ({@code --max-topics}) and per cache ({@code max_topic_count}).
 * Only a publish or subscribe that would create a topic is refused; topics already held keep working. Topics are
 * counted by the engine, so concurrent creations may pass the bound by at most one per thread.
 */
public final class TopicCountLimit {
    private final TopicEngine engine;
    private final long maxTopics;
    private final long retryAfterSeconds;

    /**
     * @param maxTopics   topics this node holds at most (0: unlimited)
     * @param idleTimeout when idle topics are forgotten: the earliest a place may free up
     */
    public TopicCountLimit(TopicEngine engine, long maxTopics, Duration idleTimeout) {
        this.engine = engine;
        this.maxTopics = maxTopics;
        this.retryAfterSeconds = Math.max(1, idleTimeout.toSeconds());
    }

    /** Throws LIMIT_EXCEEDED (429, RESOURCE_EXHAUSTED) naming the limit when {@code topic} is new and a bound is reached. */
    public void admit(TopicKey topic, int maxPerCache) {
        boolean nodeBound = maxTopics > 0 && engine.stats().topics() >= maxTopics;
        boolean cacheBound = maxPerCache > 0 && engine.topicCount(topic.cacheName()) >= maxPerCache;
        if (!nodeBound && !cacheBound || engine.holdsTopic(topic)) {
            return;
        }
        throw TernException.limitExceeded(LimitKind.TOPICS, nodeBound
                ? "this server holds its limit of " + maxTopics + " topics (--max-topics); existing topics work, "
                        + "new ones can be made once idle topics are forgotten"
                : "cache " + topic.cacheName() + " holds its limit of " + maxPerCache + " topics (max_topic_count); "
                        + "existing topics work, new ones can be made once idle topics are forgotten",
                retryAfterSeconds);
    }
}
