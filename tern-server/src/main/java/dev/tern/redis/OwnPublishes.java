package dev.tern.redis;

import dev.tern.topic.PublishRateWindow;
import dev.tern.topic.TopicKey;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The publishes this node made, per topic, over the last minute: each node counts only its own, so the nodes' counts
 * add up to the topic's (the live feed a node follows carries every node's publishes and could not be summed).
 * Touched only on the Redis event loop (a publish is counted where Redis's reply arrives); a topic not published to
 * for a minute is forgotten.
 */
final class OwnPublishes {
    private final Map<TopicKey, Topic> topics = new HashMap<>();

    void record(TopicKey key, long nowNanos) {
        Topic topic = topics.get(key);
        if (topic == null) {
            topic = new Topic();
            topics.put(key, topic);
        }
        topic.window.record(nowNanos);
        topic.lastNanos = nowNanos;
    }

    /** Tells {@code figures} of every topic published to lately (within a minute, up to the next sweep). */
    void forEach(BiConsumer<TopicKey, Topic> figures) {
        topics.forEach(figures);
    }

    /** Forgets the topics without a publish in the last minute. */
    void sweep(long nowNanos) {
        topics.values().removeIf(topic -> topic.window.count(nowNanos) == 0);
    }

    void forgetCache(String cacheName) {
        topics.keySet().removeIf(key -> key.cacheName().equals(cacheName));
    }

    /** One topic's publishes from this node. */
    static final class Topic {
        private final PublishRateWindow window = new PublishRateWindow();
        private long lastNanos;

        long lastMinute(long nowNanos) {
            return window.count(nowNanos);
        }

        long lastNanos() {
            return lastNanos;
        }
    }
}
