package dev.tern.grpc;

import dev.tern.auth.DisposableTokenRequest;
import dev.tern.auth.IssuedToken;
import dev.tern.auth.Principal;
import dev.tern.auth.TokenIssuer;
import dev.tern.auth.V1Token;
import dev.tern.error.TernException;
import dev.tern.pubsub.TopicGateway;
import io.vertx.core.Future;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import momento.token._GenerateDisposableTokenRequest;
import momento.token._GenerateDisposableTokenResponse;


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
        GrpcPermissions.Scope scope = GrpcPermissions.scope(message.getPermissions());
        return new DisposableTokenRequest(expiresIn, tokenId, scope.superUser(), scope.permissions());
    }
}
