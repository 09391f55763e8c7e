package dev.tern.topic;

/** What a subscriber receives: a message, news that it missed messages, or a sign of life. */
public sealed interface SubscriptionEvent permits TopicItem, Discontinuity, Heartbeat {
}
