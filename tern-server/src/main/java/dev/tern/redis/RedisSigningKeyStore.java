package dev.tern.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.auth.SigningKeyStore;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Rotated signing keys shared by every node: the hash {@code tern:signing-keys} (kid to {@code {"secret",
 * "retired_until"}}) and {@code tern:signing-current}. A rotation is announced on {@code tern:signing-rotations}, and
 * nodes also re-read the current kid every second, so each node signs with the new key within about a second.
 */
public final class RedisSigningKeyStore implements SigningKeyStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long POLL_MILLIS = 1_000;

    private final RedisBackend redis;
    /** The ring last read, written back if Redis loses its data (else nodes would disagree on the keys). */
    private volatile Ring known = new Ring(List.of(), null);

    public RedisSigningKeyStore(RedisBackend redis) {
        this.redis = redis;
    }

    @Override
    public Ring load() {
        List<Response> replies = redis.awaitResult(redis.batch(List.of(Request.cmd(Command.EXISTS).arg(RedisKeys.SIGNING_SECRET),
                Request.cmd(Command.HGETALL).arg(RedisKeys.SIGNING_KEYS), Request.cmd(Command.GET).arg(RedisKeys.SIGNING_CURRENT))));
        if (!RedisBackend.holdsState(replies.get(0)) && known.currentKid() != null) {
            return known; // Redis lost its data and this node has not put the keys back yet
        }
        Response all = replies.get(1);
        Response current = replies.get(2);
        List<StoredKey> keys = new ArrayList<>();
        if (all != null) {
            for (String kid : all.getKeys()) {
                try {
                    JsonNode key = JSON.readTree(all.get(kid).toString());
                    keys.add(new StoredKey(kid, key.path("secret").asText(), key.path("retired_until").asLong()));
                } catch (IOException e) {
                    throw new UncheckedIOException("unreadable signing key " + kid + " in " + RedisKeys.SIGNING_KEYS, e);
                }
            }
        }
        Ring ring = new Ring(keys, current == null ? null : current.toString());
        known = ring;
        return ring;
    }

    @Override
    public void rotate(StoredKey next, StoredKey retired) {
        redis.awaitResult(redis.send(Request.cmd(Command.HSET).arg(RedisKeys.SIGNING_KEYS)
                .arg(retired.kid()).arg(json(retired)).arg(next.kid()).arg(json(next))));
        redis.awaitResult(redis.send(Request.cmd(Command.SET).arg(RedisKeys.SIGNING_CURRENT).arg(next.kid())));
        redis.send(Request.cmd(Command.PUBLISH).arg(RedisKeys.SIGNING_ROTATIONS_CHANNEL).arg(next.kid()));
    }

    @Override
    public void watch(Runnable changed) {
        redis.onDataLost(this::restore, false);
        RedisChangeWatch.start(redis, RedisKeys.SIGNING_ROTATIONS_CHANNEL, RedisKeys.SIGNING_CURRENT, POLL_MILLIS, false, changed);
    }

    private io.vertx.core.Future<?> restore() {
        Ring ring = known;
        if (ring.currentKid() == null || ring.keys().isEmpty()) {
            return io.vertx.core.Future.succeededFuture();
        }
        Request keys = Request.cmd(Command.HSET).arg(RedisKeys.SIGNING_KEYS);
        ring.keys().forEach(key -> keys.arg(key.kid()).arg(json(key)));
        return redis.batch(List.of(keys, Request.cmd(Command.SET).arg(RedisKeys.SIGNING_CURRENT).arg(ring.currentKid()).arg("NX")));
    }

    private static String json(StoredKey key) {
        return JSON.createObjectNode().put("secret", key.secret()).put("retired_until", key.retiredUntil()).toString();
    }
}
