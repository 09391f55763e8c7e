package dev.tern.topic;

/** Why the engine ended a subscription. */
public enum SubscriptionEnd {
    /** The cache holding the topic was deleted. */
    CACHE_DELETED,
    /** The server is shutting down; the client should reconnect, elsewhere if need be. */
    SHUTDOWN
}
