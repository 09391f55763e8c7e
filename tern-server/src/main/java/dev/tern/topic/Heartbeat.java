package dev.tern.topic;

/** A sign of life on an idle subscription. */
public record Heartbeat() implements SubscriptionEvent {
    public static final Heartbeat INSTANCE = new Heartbeat();
}
