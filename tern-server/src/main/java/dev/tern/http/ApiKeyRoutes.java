package dev.tern.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tern.auth.ApiKeyRecord;
import dev.tern.auth.ApiKeyRequest;
import dev.tern.auth.ApiKeys;
import dev.tern.auth.IssuedApiKey;
import dev.tern.error.TernException;
import dev.tern.pubsub.TopicGateway;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Long-lived API keys over HTTP, each needing a super-user API key but the refresh:
 * <ul>
 *   <li>{@code POST /api-keys} {@code {"permissions", "token_id", "description", "expires_in_seconds", "v2"}}
 *       (no {@code expires_in_seconds}: never expires) answers {@code {"id", "api_key", "refresh_token", "endpoint",
 *       "valid_until"}};</li>
 *   <li>{@code GET /api-keys} lists the keys that have not expired;</li>
 *   <li>{@code DELETE /api-keys/{id}} revokes one;</li>
 *   <li>{@code POST /api-keys/refresh} {@code {"api_key", "refresh_token"}} trades them for a new pair.</li>
 * </ul>
 */
final class ApiKeyRoutes {
    private final TopicGateway gateway;
    private final ApiKeys apiKeys;

    ApiKeyRoutes(TopicGateway gateway, ApiKeys apiKeys) {
        this.gateway = gateway;
        this.apiKeys = apiKeys;
    }

    void create(RoutingContext ctx) {
        var caller = gateway.authenticate(RequestCredential.of(ctx.request()));
        send(ctx, 201, apiKeys.generate(caller, request(JsonBodies.read(ctx))));
    }

    void list(RoutingContext ctx) {
        var caller = gateway.authenticate(RequestCredential.of(ctx.request()));
        List<ObjectNode> keys = apiKeys.list(caller).stream().map(ApiKeyRecord::toJson).toList();
        JsonBodies.send(ctx, 200, Map.of("api_keys", keys));
    }

    void revoke(RoutingContext ctx) {
        var caller = gateway.authenticate(RequestCredential.of(ctx.request()));
        apiKeys.revoke(caller, ctx.pathParam("id"));
        ctx.response().setStatusCode(204).end();
    }

    void refresh(RoutingContext ctx) {
        JsonNode body = JsonBodies.read(ctx);
        if (!body.isObject()) {
            throw TernException.badRequest("the body must be {\"api_key\": \"...\", \"refresh_token\": \"...\"}");
        }
        send(ctx, 200, apiKeys.refresh(text(body, "api_key"), text(body, "refresh_token")));
    }

    private static void send(RoutingContext ctx, int status, IssuedApiKey key) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", key.id());
        answer.put("api_key", key.apiKey());
        answer.put("refresh_token", key.refreshToken());
        answer.put("endpoint", key.endpoint());
        answer.put("valid_until", key.validUntil());
        JsonBodies.send(ctx, status, answer);
    }

    private static ApiKeyRequest request(JsonNode body) {
        if (!body.isObject()) {
            throw TernException.badRequest("the body must be a JSON object with permissions");
        }
        JsonNode expires = body.get("expires_in_seconds");
        long expiresIn = ApiKeyRequest.NEVER;
        if (expires != null && !expires.isNull()) {
            if (!expires.isIntegralNumber() || !expires.canConvertToLong() || expires.longValue() < 1) {
                throw TernException.badRequest("expires_in_seconds must be a positive integer, or absent for a key that never expires");
            }
            expiresIn = expires.longValue();
        }
        JsonNode v2 = body.get("v2");
        if (v2 != null && !v2.isNull() && !v2.isBoolean()) {
            throw TernException.badRequest("v2 must be true or false");
        }
        JsonNode permissions = body.get("permissions");
        return new ApiKeyRequest(expiresIn, TokenRoutes.tokenId(body), TokenRoutes.isSuperUser(permissions),
                TokenRoutes.permissions(permissions, ApiKeyRequest.MAX_PERMISSIONS), optionalText(body, "description"),
                v2 != null && v2.asBoolean(false));
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw TernException.badRequest(field + " is required: a string");
        }
        return value.asText();
    }

    private static String optionalText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw TernException.badRequest(field + " must be a string");
        }
        return value.asText();
    }
}
