package dev.tern.topic;

/**
 * One published message with its place in the topic. {@code publisherId} is the publishing token's
 * {@code token_id}, or null when the token had none.
 */
public record TopicItem(long sequencePage, long sequenceNumber, TopicValue value, String publisherId)
        implements SubscriptionEvent {
}
