package dev.tern.grpc;

import dev.tern.auth.DisposableTokenRequest;
import dev.tern.auth.IssuedToken;
import dev.tern.auth.Principal;
import dev.tern.auth.Role;
import dev.tern.auth.TokenIssuer;
import dev.tern.auth.TopicPermission;
import dev.tern.auth.TopicSelector;
import dev.tern.auth.V1Token;
import dev.tern.cache.ResourceNames;
import dev.tern.error.TernException;
import dev.tern.pubsub.TopicGateway;
import grpc.permission_messages.Permissions;
import grpc.permission_messages.PermissionsType;
import io.vertx.core.Future;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import momento.token._GenerateDisposableTokenRequest;
import momento.token._GenerateDisposableTokenResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code token.Token/GenerateDisposableToken}. Answers the inner key and the public endpoint separately, as
 * Momento does; the SDK wraps them into the v1 token it hands to the user.
 */
final class TokenService {
    static final ServiceName SERVICE = ServiceName.create("token", "Token");
    static final ServiceMethod<_GenerateDisposableTokenRequest, _GenerateDisposableTokenResponse> GENERATE =
            GrpcCalls.method(SERVICE, "GenerateDisposableToken", _GenerateDisposableTokenRequest.getDefaultInstance());

    private final TopicGateway gateway;
    private final TokenIssuer issuer;
    private final GrpcErrors errors;

    TokenService(TopicGateway gateway, TokenIssuer issuer, GrpcErrors errors) {
        this.gateway = gateway;
        this.issuer = issuer;
        this.errors = errors;
    }

    void register(GrpcServer server) {
        GrpcCalls.unary(server, GENERATE, errors, (request, message) -> {
            String credential = GrpcCalls.credential(request);
            if (credential == null || credential.isBlank()) {
                credential = message.getAuthToken(); // older SDKs send the key in the message
            }
            Principal caller = gateway.authenticate(credential);
            IssuedToken token = issuer.mintDisposable(caller, request(message));
            return Future.succeededFuture(_GenerateDisposableTokenResponse.newBuilder()
                    .setApiKey(V1Token.innerKey(token.token()))
                    .setEndpoint(token.endpoint())
                    .setValidUntil(token.validUntilEpochSecs())
                    .build());
        });
    }

    static DisposableTokenRequest request(_GenerateDisposableTokenRequest message) {
        if (!message.hasExpires()) {
            throw TernException.badRequest("expires.valid_for_seconds is required (at most 3600)");
        }
        long expiresIn = Integer.toUnsignedLong(message.getExpires().getValidForSeconds());
        String tokenId = message.getTokenId().isEmpty() ? null : message.getTokenId();
        Permissions permissions = message.getPermissions();
        switch (permissions.getKindCase()) {
            case SUPER_USER:
                return new DisposableTokenRequest(expiresIn, tokenId, true, List.of());
            case EXPLICIT:
                return new DisposableTokenRequest(expiresIn, tokenId, false,
                        topicPermissions(permissions.getExplicit().getPermissionsList()));
            default:
                throw TernException.badRequest("permissions are required: super_user or explicit permissions");
        }
    }

    /**
     * Topic permissions map one to one. Cache-item permissions grant nothing on Tern, which has no cache data
     * plane; they are ignored when they come with topic permissions (as in the SDK's AllDataReadWrite).
     */
    private static List<TopicPermission> topicPermissions(List<PermissionsType> permissions) {
        List<TopicPermission> topics = new ArrayList<>();
        for (PermissionsType permission : permissions) {
            if (permission.hasTopicPermissions()) {
                topics.add(topicPermission(permission.getTopicPermissions()));
            }
        }
        if (topics.isEmpty()) {
            throw TernException.badRequest("Tern serves topics only: give at least one topic permission");
        }
        return topics;
    }

    private static TopicPermission topicPermission(PermissionsType.TopicPermissions permission) {
        Role role = switch (permission.getRole()) {
            case TopicReadWrite -> Role.PUBLISH_SUBSCRIBE;
            case TopicReadOnly -> Role.SUBSCRIBE_ONLY;
            case TopicWriteOnly -> Role.PUBLISH_ONLY;
            default -> throw TernException.badRequest("topic permission role must be read-write, read-only or write-only");
        };
        String cacheName = switch (permission.getCacheCase()) {
            case ALL_CACHES -> null;
            case CACHE_SELECTOR -> ResourceNames.requireCacheName(permission.getCacheSelector().getCacheName());
            default -> throw TernException.badRequest("topic permission must name a cache or all caches");
        };
        TopicSelector topics = switch (permission.getTopicCase()) {
            case ALL_TOPICS -> TopicSelector.ALL;
            case TOPIC_SELECTOR -> topicSelector(permission.getTopicSelector());
            default -> throw TernException.badRequest("topic permission must name a topic, a topic prefix or all topics");
        };
        return new TopicPermission(role, cacheName, topics);
    }

    private static TopicSelector topicSelector(PermissionsType.TopicSelector selector) {
        return switch (selector.getKindCase()) {
            case TOPIC_NAME -> TopicSelector.named(ResourceNames.requireTopicName(selector.getTopicName()));
            case TOPIC_NAME_PREFIX -> TopicSelector.prefix(ResourceNames.requireTopicName(selector.getTopicNamePrefix()));
            default -> throw TernException.badRequest("topic selector must be a topic name or a prefix");
        };
    }
}
