package dev.tern.redis;

import dev.tern.error.TernException;
import dev.tern.limit.TopicCountLimit;
import dev.tern.topic.TopicKey;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The topic bounds with {@code --engine redis}, where topics live in Redis and a node holds only those it follows:
 * <ul>
 *   <li>{@code max_topic_count} bounds the cache's topics across every node: a publish to a topic the cache does not
 *       count yet is admitted by Redis ({@code topic-count.lua}) only while fewer than the limit were published to
 *       within the topics' time to live. One extra Redis round trip per publish, and only for caches with the limit.
 *       A subscribe alone does not take a place: it stores no message, and subscriptions have their own limit.</li>
 *   <li>{@code --max-topics} bounds the topics this node follows (those with a subscriber here): what a topic costs
 *       this node's heap. A subscribe that would make it follow one more is refused; a publish costs the node nothing
 *       and is not bounded by it.</li>
 * </ul>
 * Topics with subscribers keep their places while nobody publishes: every node refreshes the places of the counted
 * topics it follows as often as it refreshes their keys.
 */
public final class RedisTopicCounts implements TopicCountLimit {
    private final RedisBackend redis;
    private final RedisTopicEngine engine;
    private final long maxTopics;
    private final long ttlMillis;
    private final long retryAfterSeconds;
    private final Predicate<String> counted;

    /**
     * @param maxTopics topics this node follows at most (0: unlimited)
     * @param counted   whether a cache has a {@code max_topic_count}
     */
    public RedisTopicCounts(RedisBackend redis, RedisTopicEngine engine, long maxTopics, Predicate<String> counted) {
        this.redis = redis;
        this.engine = engine;
        this.maxTopics = maxTopics;
        this.ttlMillis = engine.topicTtlMillis();
        this.retryAfterSeconds = Math.max(1, ttlMillis / 1000);
        this.counted = counted;
        long keepMillis = Math.max(100, Math.min(10_000, ttlMillis / 3));
        redis.context().runOnContext(v -> redis.vertx().setPeriodic(keepMillis, id -> keepFollowedPlaces()));
    }

    @Override
    public Future<Void> admitPublish(TopicKey topic, int maxPerCache) {
        if (maxPerCache <= 0) {
            return Future.succeededFuture();
        }
        Context caller = Vertx.currentContext();
        Future<Void> decided = redis.eval(LuaScript.TOPIC_COUNT, List.of(RedisKeys.countedTopics(topic.cacheName())),
                        List.of(topic.topicName(), ttlMillis, maxPerCache))
                .recover(failure -> Future.failedFuture(
                        TernException.unavailable("message not stored: Redis is unavailable (" + failure.getMessage() + ")")))
                .compose(reply -> reply.toLong() == 1 ? Future.succeededFuture()
                        : Future.failedFuture(TopicCountLimit.cacheBoundReached(topic.cacheName(), maxPerCache, retryAfterSeconds)));
        return RedisBackend.on(caller, decided);
    }

    @Override
    public void admitSubscribe(TopicKey topic, int maxPerCache) {
        if (maxTopics > 0 && engine.stats().topics() >= maxTopics && !engine.holdsTopic(topic)) {
            throw TopicCountLimit.nodeBoundReached(maxTopics, retryAfterSeconds);
        }
    }

    /** Refreshes the places of the counted topics this node follows, one call per cache (Redis context). */
    private void keepFollowedPlaces() {
        Map<String, List<String>> byCache = new HashMap<>();
        for (TopicKey topic : engine.followedTopics()) {
            if (counted.test(topic.cacheName())) {
                byCache.computeIfAbsent(topic.cacheName(), name -> new ArrayList<>()).add(topic.topicName());
            }
        }
        byCache.forEach((cacheName, topicNames) -> {
            List<Object> args = new ArrayList<>(topicNames.size() + 1);
            args.add(ttlMillis);
            args.addAll(topicNames);
            // Best effort: a refresh missed while Redis is away is made again on the next round.
            redis.eval(LuaScript.TOPIC_COUNT_KEEP, List.of(RedisKeys.countedTopics(cacheName)), args);
        });
    }
}
