package dev.tern.topic;

import java.util.Map;

/**
 * What a topic is doing right now, for operators ({@code GET /caches/{cache}/topics}).
 *
 * @param topicName          the topic
 * @param sequencePage       its current sequence page
 * @param lastSequenceNumber the last sequence number given (0 before the first publish on this page)
 * @param subscribers        live subscriptions by transport (every transport present, zeros included)
 * @param historyMessages    messages held for resume
 * @param historyBytes       bytes of those messages
 * @param publishesPerSecond publishes over the last minute, divided by 60
 * @param idleMillis         since the last publish (or since the topic came to be, before one)
 */
public record TopicSnapshot(String topicName, long sequencePage, long lastSequenceNumber,
                            Map<SubscriberTransport, Integer> subscribers, long historyMessages, long historyBytes,
                            double publishesPerSecond, long idleMillis) {

    public TopicSnapshot {
        subscribers = Map.copyOf(subscribers);
    }

    public int subscriberCount() {
        return subscribers.values().stream().mapToInt(Integer::intValue).sum();
    }
}
