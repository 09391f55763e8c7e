package dev.tern.http;

import com.fasterxml.jackson.databind.JsonNode;
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
 */
final class TokenRoutes {
    private static final String SUPER_USER = "super_user";

    private final TopicGateway gateway;
    private final TokenIssuer issuer;

    TokenRoutes(TopicGateway gateway, TokenIssuer issuer) {
        this.gateway = gateway;
        this.issuer = issuer;
    }

    void mint(RoutingContext ctx) {
        var principal = gateway.authenticate(RequestCredential.of(ctx.request()));
        IssuedToken token = issuer.mintDisposable(principal, request(JsonBodies.read(ctx)));
        JsonBodies.send(ctx, 200, Map.of(
                "token", token.token(),
                "endpoint", token.endpoint(),
                "valid_until", token.validUntilEpochSecs()));
    }

    static DisposableTokenRequest request(JsonNode body) {
        if (!body.isObject()) {
            throw TernException.badRequest("the body must be a JSON object with expires_in_seconds and permissions");
        }
        JsonNode expires = body.get("expires_in_seconds");
        if (expires == null || !expires.canConvertToLong() || !expires.isIntegralNumber()) {
            throw TernException.badRequest("expires_in_seconds is required: an integer number of seconds, at most 3600");
        }
        JsonNode tokenId = body.get("token_id");
        if (tokenId != null && !tokenId.isNull() && !tokenId.isTextual()) {
            throw TernException.badRequest("token_id must be a string");
        }
        JsonNode permissions = body.get("permissions");
        boolean superUser = permissions != null && permissions.isTextual() && SUPER_USER.equals(permissions.asText());
        List<TopicPermission> parsed = new ArrayList<>();
        if (!superUser) {
            if (permissions == null || !permissions.isArray()) {
                throw TernException.badRequest("permissions is required: \"super_user\" or a list of permissions");
            }
            permissions.forEach(p -> parsed.add(PermissionJson.parse(p)));
        }
        return new DisposableTokenRequest(expires.longValue(),
                tokenId == null || tokenId.isNull() ? null : tokenId.asText(), superUser, parsed);
    }
}
