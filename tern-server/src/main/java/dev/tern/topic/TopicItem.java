package dev.tern.topic;

/**
 * One published message with its place in the topic. {@code publisherId} is the publishing token's
 * {@code token_id}, or null when the token had none. {@code publishedAtMillis} is when the engine took the publish
 * (epoch ms, the clock of the node that took it), or 0 when the engine does not keep it (the Redis engine).
 */
public record TopicItem(long sequencePage, long sequenceNumber, TopicValue value, String publisherId,
                        long publishedAtMillis) implements SubscriptionEvent {

    /** An item whose publish time is not known. */
    public TopicItem(long sequencePage, long sequenceNumber, TopicValue value, String publisherId) {
        this(sequencePage, sequenceNumber, value, publisherId, 0);
    }
}
