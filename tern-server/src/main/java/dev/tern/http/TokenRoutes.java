package dev.tern.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.auth.ApiKeys;
import dev.tern.auth.DisposableTokenRequest;
import dev.tern.auth.IssuedToken;
import dev.tern.auth.PermissionJson;
import dev.tern.auth.TokenIssuer;
import dev.tern.auth.TopicPermission;
import dev.tern.error.TernException;
import dev.tern.pubsub.TopicGateway;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tokens}: mints a disposable token. Body:
 * {@code {"expires_in_seconds": 600, "token_id": "...", "permissions": [...] | "super_user"}}.
 * {@code POST /tokens/revoke}: {@code {"token_id": "..."}} revokes every disposable token minted with it so far.
 */
final class TokenRoutes {
    private static final String SUPER_USER = "super_user";

    private final TopicGateway gateway;
    private final TokenIssuer issuer;
    private final ApiKeys apiKeys;

    TokenRoutes(TopicGateway gateway, TokenIssuer issuer, ApiKeys apiKeys) {
        this.gateway = gateway;
        this.issuer = issuer;
        this.apiKeys = apiKeys;
    }

    void mint(RoutingContext ctx) {
        var principal = gateway.authenticate(RequestCredential.of(ctx.request()));
        IssuedToken token = issuer.mintDisposable(principal, request(JsonBodies.read(ctx)));
        JsonBodies.send(ctx, 200, Map.of(
                "token", token.token(),
                "endpoint", token.endpoint(),
                "valid_until", token.validUntilEpochSecs()));
    }

    void revoke(RoutingContext ctx) {
        var principal = gateway.authenticate(RequestCredential.of(ctx.request()));
        JsonNode body = JsonBodies.read(ctx);
        JsonNode tokenId = body.isObject() ? body.get("token_id") : null;
        if (tokenId == null || !tokenId.isTextual()) {
            throw TernException.badRequest("the body must be {\"token_id\": \"...\"}");
        }
        apiKeys.revokeTokenId(principal, tokenId.asText());
        ctx.response().setStatusCode(204).end();
    }

    static DisposableTokenRequest request(JsonNode body) {
        if (!body.isObject()) {
            throw TernException.badRequest("the body must be a JSON object with expires_in_seconds and permissions");
        }
        JsonNode expires = body.get("expires_in_seconds");
        if (expires == null || !expires.canConvertToLong() || !expires.isIntegralNumber()) {
            throw TernException.badRequest("expires_in_seconds is required: an integer number of seconds, at most 3600");
        }
        JsonNode permissions = body.get("permissions");
        return new DisposableTokenRequest(expires.longValue(), tokenId(body), isSuperUser(permissions),
                permissions(permissions, DisposableTokenRequest.MAX_PERMISSIONS));
    }

    /** The optional {@code token_id} of a token or key request. */
    static String tokenId(JsonNode body) {
        JsonNode tokenId = body.get("token_id");
        if (tokenId != null && !tokenId.isNull() && !tokenId.isTextual()) {
            throw TernException.badRequest("token_id must be a string");
        }
        return tokenId == null || tokenId.isNull() ? null : tokenId.asText();
    }

    static boolean isSuperUser(JsonNode permissions) {
        return permissions != null && permissions.isTextual() && SUPER_USER.equals(permissions.asText());
    }

    /** The listed permissions (none for "super_user"); 400 beyond {@code max} before parsing any. */
    static List<TopicPermission> permissions(JsonNode permissions, int max) {
        List<TopicPermission> parsed = new ArrayList<>();
        if (isSuperUser(permissions)) {
            return parsed;
        }
        if (permissions == null || !permissions.isArray()) {
            throw TernException.badRequest("permissions is required: \"super_user\" or a list of permissions");
        }
        if (permissions.size() > max) {
            throw TernException.badRequest("permissions must be \"super_user\" or a list of 1 to " + max + " permissions");
        }
        permissions.forEach(p -> parsed.add(PermissionJson.parse(p)));
        return parsed;
    }
}
