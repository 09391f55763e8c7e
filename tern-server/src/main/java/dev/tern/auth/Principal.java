package dev.tern.auth;

import java.util.List;

/**
 * Who is calling: the verified content of a token.
 *
 * @param id                 unique id of this key or token (revoke a long-lived key by it)
 * @param superUser          may do everything, including managing caches and minting tokens
 * @param permissions        topic permissions (empty for a super user)
 * @param tokenId            the token's {@code token_id}, shown to subscribers as {@code publisher_id}; may be null
 * @param expiresAtEpochSecs when the credential stops working; 0 for never
 * @param issuedAtEpochSecs  when it was minted; 0 when unknown (keys minted before Tern recorded it)
 * @param longLived          an API key (may mint tokens, may be refreshed), not a disposable token
 */
public record Principal(String id, boolean superUser, List<TopicPermission> permissions, String tokenId,
                        long expiresAtEpochSecs, long issuedAtEpochSecs, boolean longLived) {

    public Principal {
        permissions = List.copyOf(permissions);
    }

    /** An API key (long-lived, possibly with an expiry), as opposed to a disposable token. */
    public boolean isApiKey() {
        return longLived;
    }

    public boolean expires() {
        return expiresAtEpochSecs != 0;
    }

    public boolean isExpiredAt(long epochSeconds) {
        return expiresAtEpochSecs != 0 && epochSeconds >= expiresAtEpochSecs;
    }
}
