package dev.tern.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.auth.Authorizer;
import dev.tern.auth.Principal;
import dev.tern.auth.SigningKeys;
import dev.tern.error.TernException;
import dev.tern.pubsub.TopicGateway;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.Map;

/**
 * {@code GET /signing-keys} lists the signing keys (kid, current, verifies_until; never a secret);
 * {@code POST /signing-keys/rotate} {@code {"grace_seconds": 86400}} adds a new signing key. Super-user API key only.
 */
final class SigningKeyRoutes {
    static final long DEFAULT_GRACE_SECONDS = 86_400;

    private final TopicGateway gateway;
    private final Authorizer authorizer;
    private final SigningKeys signingKeys;

    SigningKeyRoutes(TopicGateway gateway, Authorizer authorizer, SigningKeys signingKeys) {
        this.gateway = gateway;
        this.authorizer = authorizer;
        this.signingKeys = signingKeys;
    }

    void list(RoutingContext ctx) {
        requireSuperUserKey(ctx);
        JsonBodies.send(ctx, 200, Map.of("current", signingKeys.currentKid(), "keys", signingKeys.describe()));
    }

    void rotate(RoutingContext ctx) {
        requireSuperUserKey(ctx);
        JsonNode body = JsonBodies.read(ctx);
        long grace = DEFAULT_GRACE_SECONDS;
        if (!body.isNull()) {
            JsonNode value = body.isObject() ? body.get("grace_seconds") : null;
            if (!body.isObject() || (value != null && (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0))) {
                throw TernException.badRequest("the body must be {\"grace_seconds\": <seconds, 0 or more>} or empty");
            }
            if (value != null) {
                grace = value.longValue();
            }
        }
        String previous = signingKeys.currentKid();
        String kid = signingKeys.rotate(Duration.ofSeconds(grace));
        JsonBodies.send(ctx, 200, Map.of("kid", kid, "previous_kid", previous, "grace_seconds", grace));
    }

    private void requireSuperUserKey(RoutingContext ctx) {
        Principal caller = gateway.authenticate(RequestCredential.of(ctx.request()));
        authorizer.requireSuperUser(caller);
        if (!caller.isApiKey()) {
            throw TernException.forbidden("signing keys are managed with a super-user API key, not a disposable token");
        }
    }
}
