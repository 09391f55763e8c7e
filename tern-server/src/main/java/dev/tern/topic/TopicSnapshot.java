package dev.tern.topic;

import java.util.Map;

/**
 * What a topic is doing right now, for operators ({@code GET /caches/{cache}/topics}).
 *
 * A figure an engine has not read (yet) is {@value #UNKNOWN}: on Redis the page, sequence and history are read from
 * Redis only for the topics a page of the listing shows ({@link TopicEngine#withStoredFigures}).
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
    public static final long UNKNOWN = -1;

    public TopicSnapshot {
        subscribers = Map.copyOf(subscribers);
    }

    /**
     * This snapshot with the figures kept with the topic's messages: page, sequence, history, and the time since the
     * newest message was stored ({@link #UNKNOWN} keeps this snapshot's idle time).
     */
    public TopicSnapshot withStored(long page, long lastSequence, long messages, long bytes, long storedIdleMillis) {
        return new TopicSnapshot(topicName, page, lastSequence, subscribers, messages, bytes, publishesPerSecond,
                storedIdleMillis == UNKNOWN ? idleMillis : storedIdleMillis);
    }

    public int subscriberCount() {
        return subscribers.values().stream().mapToInt(Integer::intValue).sum();
    }
}
