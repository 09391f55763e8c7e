package dev.tern.topic;

/** Why the engine (or the gateway) ended a subscription. */
public enum SubscriptionEnd {
    /** The cache holding the topic was deleted. */
    CACHE_DELETED,
    /** The server is shutting down; the client should reconnect, elsewhere if need be. */
    SHUTDOWN,
    /** The credential the subscription was opened with expired; the client needs a new one. */
    CREDENTIAL_EXPIRED,
    /** The credential the subscription was opened with was revoked. */
    CREDENTIAL_REVOKED;

    /** True when the subscriber's credential, not the topic, ended the subscription. */
    public boolean isCredentialEnd() {
        return this == CREDENTIAL_EXPIRED || this == CREDENTIAL_REVOKED;
    }
}
