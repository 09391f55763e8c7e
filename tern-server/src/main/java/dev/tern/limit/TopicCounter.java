package dev.tern.limit;

import dev.tern.topic.TopicEngine;
import dev.tern.topic.TopicKey;
import io.vertx.core.Future;

import java.time.Duration;

/**
 * The topic bounds of the in-memory engine: every topic lives in this process, so both bounds count the topics the
 * engine holds, and a publish and a subscribe create a topic alike. Concurrent creations may pass a bound by at most
 * one per thread.
 */
public final class TopicCounter implements TopicCountLimit {
    private final TopicEngine engine;
    private final long maxTopics;
    private final long retryAfterSeconds;

    /**
     * @param maxTopics   topics this node holds at most (0: unlimited)
     * @param idleTimeout when idle topics are forgotten: the earliest a place may free up
     */
    public TopicCounter(TopicEngine engine, long maxTopics, Duration idleTimeout) {
        this.engine = engine;
        this.maxTopics = maxTopics;
        this.retryAfterSeconds = Math.max(1, idleTimeout.toSeconds());
    }

    @Override
    public Future<Void> admitPublish(TopicKey topic, int maxPerCache) {
        admitSubscribe(topic, maxPerCache);
        return Future.succeededFuture();
    }

    @Override
    public void admitSubscribe(TopicKey topic, int maxPerCache) {
        boolean nodeBound = maxTopics > 0 && engine.stats().topics() >= maxTopics;
        boolean cacheBound = maxPerCache > 0 && engine.topicCount(topic.cacheName()) >= maxPerCache;
        if (!nodeBound && !cacheBound || engine.holdsTopic(topic)) {
            return;
        }
        throw nodeBound ? TopicCountLimit.nodeBoundReached(maxTopics, retryAfterSeconds)
                : TopicCountLimit.cacheBoundReached(topic.cacheName(), maxPerCache, retryAfterSeconds);
    }
}
