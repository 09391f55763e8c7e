package dev.tern.redis;

import dev.tern.topic.PublishRateWindow;
import dev.tern.topic.SubscriberTransport;
import dev.tern.topic.TopicSnapshot;

import java.util.EnumMap;
import java.util.Map;

/**
 * One topic's live figures as one node knows them, or their sum over nodes: subscribers by transport, publishes made
 * in the last minute, and the latest publish known (epoch ms). Page, sequence and history are not here: Redis holds
 * them with the topic's messages. Not thread-safe.
 */
final class TopicFigures {
    private static final SubscriberTransport[] TRANSPORTS = SubscriberTransport.values();

    private final int[] subscribers = new int[TRANSPORTS.length];
    private long publishesLastMinute;
    private long lastPublishMillis;

    void addSubscriber(SubscriberTransport transport) {
        subscribers[transport.ordinal()]++;
    }

    void addSubscribers(SubscriberTransport transport, int count) {
        subscribers[transport.ordinal()] += count;
    }

    void addPublishes(long lastMinute) {
        publishesLastMinute += lastMinute;
    }

    /** The latest publish wins: a topic's idle time is the least over the nodes. */
    void publishedAt(long epochMillis) {
        lastPublishMillis = Math.max(lastPublishMillis, epochMillis);
    }

    int subscribers(SubscriberTransport transport) {
        return subscribers[transport.ordinal()];
    }

    long publishesLastMinute() {
        return publishesLastMinute;
    }

    long lastPublishMillis() {
        return lastPublishMillis;
    }

    void add(TopicFigures other) {
        for (int i = 0; i < subscribers.length; i++) {
            subscribers[i] += other.subscribers[i];
        }
        publishesLastMinute += other.publishesLastMinute;
        publishedAt(other.lastPublishMillis);
    }

    /** The summed figures as a snapshot whose stored figures (page, sequence, history) are still to be read. */
    TopicSnapshot snapshot(String topicName, long nowMillis) {
        Map<SubscriberTransport, Integer> byTransport = new EnumMap<>(SubscriberTransport.class);
        for (SubscriberTransport transport : TRANSPORTS) {
            byTransport.put(transport, subscribers[transport.ordinal()]);
        }
        return new TopicSnapshot(topicName, TopicSnapshot.UNKNOWN, TopicSnapshot.UNKNOWN, byTransport,
                TopicSnapshot.UNKNOWN, TopicSnapshot.UNKNOWN, publishesLastMinute / (double) PublishRateWindow.SECONDS,
                Math.max(0, nowMillis - lastPublishMillis));
    }
}
