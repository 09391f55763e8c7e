package dev.tern.auth;

import java.util.List;

/**
 * Who is calling: the verified content of a token.
 *
 * @param id                 unique id of this token
 * @param superUser          may do everything, including managing caches and minting tokens
 * @param permissions        topic permissions (empty for a super user)
 * @param tokenId            the token's {@code token_id}, shown to subscribers as {@code publisher_id}; may be null
 * @param expiresAtEpochSecs when the token stops working; 0 for never (API keys)
 */
public record Principal(String id, boolean superUser, List<TopicPermission> permissions, String tokenId,
                        long expiresAtEpochSecs) {

    public Principal {
        permissions = List.copyOf(permissions);
    }

    /** API keys never expire; disposable tokens always do. */
    public boolean isApiKey() {
        return expiresAtEpochSecs == 0;
    }

    public boolean isExpiredAt(long epochSeconds) {
        return expiresAtEpochSecs != 0 && epochSeconds >= expiresAtEpochSecs;
    }
}
