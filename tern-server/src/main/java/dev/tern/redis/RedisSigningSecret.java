package dev.tern.redis;

import dev.tern.auth.SigningKey;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The token signing secret shared by every node: the first node to start stores a random one (SET NX) and every
 * node uses whatever is stored, so a token minted on one node verifies on all of them.
 */
public final class RedisSigningSecret {
    private RedisSigningSecret() {
    }

    /** Blocking; call at start-up. */
    public static SigningKey loadOrCreate(RedisBackend redis) {
        byte[] candidate = new byte[32];
        new SecureRandom().nextBytes(candidate);
        String encoded = Base64.getEncoder().encodeToString(candidate);
        Response created = redis.awaitResult(redis.send(
                Request.cmd(Command.SET).arg(RedisKeys.SIGNING_SECRET).arg(encoded).arg("NX")));
        Response stored = redis.awaitResult(redis.send(Request.cmd(Command.GET).arg(RedisKeys.SIGNING_SECRET)));
        if (stored == null) {
            throw new IllegalStateException("Redis lost the signing secret " + RedisKeys.SIGNING_SECRET + " right after storing it");
        }
        String storedSecret = stored.toString().trim();
        byte[] secret = Base64.getDecoder().decode(storedSecret.getBytes(StandardCharsets.US_ASCII));
        // After Redis lost its data, put back the secret every node already signs with.
        redis.onDataLost(() -> redis.send(Request.cmd(Command.SET).arg(RedisKeys.SIGNING_SECRET).arg(storedSecret).arg("NX")), true);
        return SigningKey.fromSecret(secret, created != null);
    }
}
