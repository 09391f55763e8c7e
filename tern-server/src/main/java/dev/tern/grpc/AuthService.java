package dev.tern.grpc;

import dev.tern.auth.ApiKeyRequest;
import dev.tern.auth.ApiKeys;
import dev.tern.auth.IssuedApiKey;
import dev.tern.auth.Principal;
import dev.tern.error.TernException;
import dev.tern.pubsub.TopicGateway;
import io.vertx.core.Future;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import momento.auth._GenerateApiTokenRequest;
import momento.auth._GenerateApiTokenResponse;
import momento.auth._RefreshApiTokenRequest;
import momento.auth._RefreshApiTokenResponse;

/**
 * {@code auth.Auth/GenerateApiToken} and {@code RefreshApiToken}: long-lived API keys. Like Momento, the answer
 * carries the inner key and the endpoint separately and the SDK wraps them into the v1 token it hands out; a v2 key
 * is answered as is. The SDK sends the caller's key in the message ({@code auth_token}, or for a refresh
 * {@code api_key}), not as metadata; the metadata is accepted too.
 */
final class AuthService {
    static final ServiceName SERVICE = ServiceName.create("auth", "Auth");
    static final ServiceMethod<_GenerateApiTokenRequest, _GenerateApiTokenResponse> GENERATE =
            GrpcCalls.method(SERVICE, "GenerateApiToken", _GenerateApiTokenRequest.getDefaultInstance());
    static final ServiceMethod<_RefreshApiTokenRequest, _RefreshApiTokenResponse> REFRESH =
            GrpcCalls.method(SERVICE, "RefreshApiToken", _RefreshApiTokenRequest.getDefaultInstance());

    private final TopicGateway gateway;
    private final ApiKeys apiKeys;
    private final GrpcErrors errors;

    AuthService(TopicGateway gateway, ApiKeys apiKeys, GrpcErrors errors) {
        this.gateway = gateway;
        this.apiKeys = apiKeys;
        this.errors = errors;
    }

    void register(GrpcServer server) {
        GrpcCalls.unary(server, GENERATE, errors, (request, message) -> {
            String credential = message.getAuthToken();
            if (credential.isBlank()) {
                credential = GrpcCalls.credential(request);
            }
            Principal caller = gateway.authenticate(credential);
            IssuedApiKey key = apiKeys.generate(caller, request(message));
            return Future.succeededFuture(_GenerateApiTokenResponse.newBuilder()
                    .setApiKey(key.innerKey())
                    .setRefreshToken(key.refreshToken())
                    .setEndpoint(key.endpoint())
                    .setValidUntil(key.validUntil())
                    .build());
        });
        GrpcCalls.unary(server, REFRESH, errors, (request, message) -> {
            String apiKey = message.getApiKey();
            if (apiKey.isBlank()) {
                apiKey = GrpcCalls.credential(request);
            }
            IssuedApiKey key = apiKeys.refresh(apiKey, message.getRefreshToken());
            return Future.succeededFuture(_RefreshApiTokenResponse.newBuilder()
                    .setApiKey(key.innerKey())
                    .setRefreshToken(key.refreshToken())
                    .setEndpoint(key.endpoint())
                    .setValidUntil(key.validUntil())
                    .build());
        });
    }

    static ApiKeyRequest request(_GenerateApiTokenRequest message) {
        long expiresIn = switch (message.getExpiryCase()) {
            case NEVER -> ApiKeyRequest.NEVER;
            case EXPIRES -> {
                long seconds = Integer.toUnsignedLong(message.getExpires().getValidForSeconds());
                if (seconds == 0) {
                    throw TernException.badRequest("expires.valid_for_seconds must be positive");
                }
                yield seconds;
            }
            default -> throw TernException.badRequest("expiry is required: never or expires.valid_for_seconds");
        };
        String tokenId = message.getTokenId().isEmpty() ? null : message.getTokenId();
        String description = message.getDescription().isEmpty() ? null : message.getDescription();
        GrpcPermissions.Scope scope = GrpcPermissions.scope(message.getPermissions());
        return new ApiKeyRequest(expiresIn, tokenId, scope.superUser(), scope.permissions(), description, false);
    }
}
