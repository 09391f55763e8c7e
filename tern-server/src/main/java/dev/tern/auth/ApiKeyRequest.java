package dev.tern.auth;

import dev.tern.error.TernException;

import java.util.List;

/**
 * What a caller asks of a long-lived API key; validated on construction. Unlike a disposable token it may never
 * expire ({@code expiresInSeconds == 0}) and may carry more permissions.
 *
 * @param expiresInSeconds seconds until it expires, 1 to 2^32-1 (the proto's uint32); 0 for never
 * @param description      shown in listings; may be null
 * @param v2               issue the key in the v2 form ({@code fromApiKeyV2}) instead of a v1 token
 */
public record ApiKeyRequest(long expiresInSeconds, String tokenId, boolean superUser, List<TopicPermission> permissions,
                            String description, boolean v2) {
    public static final long NEVER = 0;
    public static final long MAX_EXPIRY_SECONDS = 0xFFFF_FFFFL;
    /** More than any real scope needs; keeps every key (and the token it is) small. */
    public static final int MAX_PERMISSIONS = 100;
    public static final int MAX_DESCRIPTION_LENGTH = 256;

    public ApiKeyRequest {
        if (expiresInSeconds < 0 || expiresInSeconds > MAX_EXPIRY_SECONDS) {
            throw TernException.badRequest("expires_in_seconds must be between 1 and " + MAX_EXPIRY_SECONDS
                    + ", or absent for a key that never expires");
        }
        if (tokenId != null && (tokenId.isEmpty() || tokenId.length() > DisposableTokenRequest.MAX_TOKEN_ID_LENGTH)) {
            throw TernException.badRequest("token_id must be 1 to " + DisposableTokenRequest.MAX_TOKEN_ID_LENGTH + " characters");
        }
        if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
            throw TernException.badRequest("description must be at most " + MAX_DESCRIPTION_LENGTH + " characters");
        }
        permissions = List.copyOf(permissions);
        if (!superUser && (permissions.isEmpty() || permissions.size() > MAX_PERMISSIONS)) {
            throw TernException.badRequest("permissions must be \"super_user\" or a list of 1 to " + MAX_PERMISSIONS + " permissions");
        }
    }

    public boolean expires() {
        return expiresInSeconds != NEVER;
    }
}
