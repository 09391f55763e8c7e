package dev.tern.auth;

import dev.tern.error.TernException;

import java.util.List;

/** What a caller asks of a disposable token; validated on construction with Momento's rules. */
public record DisposableTokenRequest(long expiresInSeconds, String tokenId, boolean superUser,
                                     List<TopicPermission> permissions) {
    public static final long MAX_EXPIRY_SECONDS = 3600;
    public static final int MAX_PERMISSIONS = 10;
    public static final int MAX_TOKEN_ID_LENGTH = 64;

    public DisposableTokenRequest {
        if (expiresInSeconds < 1 || expiresInSeconds > MAX_EXPIRY_SECONDS) {
            throw TernException.badRequest("expires_in_seconds must be between 1 and " + MAX_EXPIRY_SECONDS);
        }
        if (tokenId != null && (tokenId.isEmpty() || tokenId.length() > MAX_TOKEN_ID_LENGTH)) {
            throw TernException.badRequest("token_id must be 1 to " + MAX_TOKEN_ID_LENGTH + " characters");
        }
        permissions = List.copyOf(permissions);
        if (!superUser && (permissions.isEmpty() || permissions.size() > MAX_PERMISSIONS)) {
            throw TernException.badRequest("permissions must be \"super_user\" or a list of 1 to " + MAX_PERMISSIONS + " permissions");
        }
    }
}
