package dev.tern.auth;

import dev.tern.error.TernException;
import dev.tern.topic.SubscriptionEnd;

/** Why a credential that worked stopped working. */
public enum CredentialEnd {
    EXPIRED("credential_expired", "token expired"),
    REVOKED("credential_revoked", "token revoked");

    private final String reason;
    private final String message;

    CredentialEnd(String reason, String message) {
        this.reason = reason;
        this.message = message;
    }

    /** The reason a stream's last frame names. */
    public String reason() {
        return reason;
    }

    public String message() {
        return message;
    }

    /** The 401 a transport answers with. */
    public TernException error() {
        return TernException.unauthenticated(message);
    }

    /** The credential end behind a subscription's end; only for {@link SubscriptionEnd#isCredentialEnd()}. */
    public static CredentialEnd of(SubscriptionEnd end) {
        return end == SubscriptionEnd.CREDENTIAL_EXPIRED ? EXPIRED : REVOKED;
    }

    /** The subscription end for this credential end. */
    public SubscriptionEnd subscriptionEnd() {
        return this == EXPIRED ? SubscriptionEnd.CREDENTIAL_EXPIRED : SubscriptionEnd.CREDENTIAL_REVOKED;
    }
}
