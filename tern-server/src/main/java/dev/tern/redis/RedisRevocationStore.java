package dev.tern.redis;

import dev.tern.auth.RevocationStore;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The revocations of every node, in the hash {@code tern:revoked}. A node that revokes announces it on
 * {@code tern:revocations}, and every node also polls the counter {@code tern:revoked:version} each second, so a
 * revocation reaches every node within about a second even when an announcement is lost. After Redis lost its data,
 * the entries this node knows are written back.
 */
public final class RedisRevocationStore implements RevocationStore {
    private static final long POLL_MILLIS = 500;

    private final RedisBackend redis;
    private final AtomicReference<Map<String, String>> known = new AtomicReference<>(Map.of());

    public RedisRevocationStore(RedisBackend redis) {
        this.redis = redis;
    }

    @Override
    public Map<String, String> loadAll() {
        List<Response> replies = redis.awaitResult(redis.batch(List.of(
                Request.cmd(Command.EXISTS).arg(RedisKeys.SIGNING_SECRET), Request.cmd(Command.HGETALL).arg(RedisKeys.REVOKED))));
        if (!RedisBackend.holdsState(replies.get(0)) && !known.get().isEmpty()) {
            // Redis lost its data and this node has not put it back yet: never forget a revocation because of that.
            return known.get();
        }
        Response all = replies.get(1);
        Map<String, String> entries = new HashMap<>();
        if (all != null) {
            for (String field : all.getKeys()) {
                entries.put(field, all.get(field).toString());
            }
        }
        known.set(Map.copyOf(entries));
        return entries;
    }

    @Override
    public void add(String name, String value) {
        redis.awaitResult(redis.send(Request.cmd(Command.HSET).arg(RedisKeys.REVOKED).arg(name).arg(value)));
        redis.awaitResult(redis.send(Request.cmd(Command.INCR).arg(RedisKeys.REVOKED_VERSION)));
        redis.send(Request.cmd(Command.PUBLISH).arg(RedisKeys.REVOCATIONS_CHANNEL).arg(name));
    }

    @Override
    public void remove(Collection<String> names) {
        Request delete = Request.cmd(Command.HDEL).arg(RedisKeys.REVOKED);
        names.forEach(delete::arg);
        redis.send(delete); // best effort: whoever loads next drops them again
    }

    @Override
    public void watch(Runnable changed) {
        redis.onDataLost(this::restore, false);
        // Also re-read on every re-subscription: a revocation made while this node was not listening must not wait
        // for the next poll.
        RedisChangeWatch.start(redis, RedisKeys.REVOCATIONS_CHANNEL, RedisKeys.REVOKED_VERSION, POLL_MILLIS, true, changed);
    }

    private io.vertx.core.Future<?> restore() {
        Map<String, String> entries = known.get();
        if (entries.isEmpty()) {
            return io.vertx.core.Future.succeededFuture();
        }
        Request write = Request.cmd(Command.HSET).arg(RedisKeys.REVOKED);
        entries.forEach((name, value) -> write.arg(name).arg(value));
        return redis.batch(List.of(write, Request.cmd(Command.INCR).arg(RedisKeys.REVOKED_VERSION)));
    }
}
