package dev.tern.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.webhook.DeliveryCursor;
import dev.tern.webhook.Webhook;
import dev.tern.webhook.WebhookStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The webhooks of every node, their cursors and delivery leases, in Redis (keys in {@link RedisKeys}). Nodes see each
 * other's changes when the dispatcher reloads (every second). A lease names the one node that delivers a webhook; it
 * lapses unless renewed, and every new lease gets a greater fencing token, under which cursors are written.
 */
public final class RedisWebhookStore implements WebhookStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(RedisWebhookStore.class);

    private final RedisBackend redis;

    public RedisWebhookStore(RedisBackend redis) {
        this.redis = redis;
    }

    @Override
    public List<Webhook> loadAll() {
        Response values = redis.awaitResult(redis.send(Request.cmd(Command.HVALS).arg(RedisKeys.WEBHOOKS)));
        List<Webhook> all = new ArrayList<>();
        if (values != null) {
            for (Response value : values) {
                all.add(parse(value.toBytes()));
            }
        }
        return all;
    }

    @Override
    public void put(Webhook webhook) {
        Response previous = redis.awaitResult(redis.send(Request.cmd(Command.HGET).arg(RedisKeys.WEBHOOKS).arg(webhook.key())));
        List<Request> writes = new ArrayList<>();
        writes.add(Request.cmd(Command.HSET).arg(RedisKeys.WEBHOOKS).arg(webhook.key()).arg(write(webhook)));
        if (previous != null && !parse(previous.toBytes()).topicName().equals(webhook.topicName())) {
            writes.add(Request.cmd(Command.HDEL).arg(RedisKeys.WEBHOOK_CURSORS).arg(webhook.key()));
        }
        redis.awaitResult(redis.batch(writes));
    }

    @Override
    public boolean remove(String cacheName, String name) {
        String key = Webhook.key(cacheName, name);
        List<Response> replies = redis.awaitResult(redis.batch(List.of(
                Request.cmd(Command.HDEL).arg(RedisKeys.WEBHOOKS).arg(key),
                Request.cmd(Command.HDEL).arg(RedisKeys.WEBHOOK_CURSORS).arg(key))));
        return replies.get(0) != null && replies.get(0).toInteger() > 0;
    }

    /**
     * Does not wait for Redis: a node hears another's cache deletion on the Redis connection's own thread, where a
     * wait would hold up every reply that thread must deliver, this one included. Every node that hears the deletion
     * removes the same entries, so one removal lost to an outage is made by another, or found stale on reload.
     */
    @Override
    public void removeCache(String cacheName) {
        String prefix = cacheName + "/";
        redis.send(Request.cmd(Command.HKEYS).arg(RedisKeys.WEBHOOKS)).compose(keys -> {
            List<String> doomed = new ArrayList<>();
            if (keys != null) {
                for (Response key : keys) {
                    if (key.toString().startsWith(prefix)) {
                        doomed.add(key.toString());
                    }
                }
            }
            if (doomed.isEmpty()) {
                return Future.succeededFuture();
            }
            Request definitions = Request.cmd(Command.HDEL).arg(RedisKeys.WEBHOOKS);
            Request cursors = Request.cmd(Command.HDEL).arg(RedisKeys.WEBHOOK_CURSORS);
            doomed.forEach(key -> {
                definitions.arg(key);
                cursors.arg(key);
            });
            return redis.batch(List.of(definitions, cursors));
        }).onFailure(e -> LOG.debug("removing the webhooks of deleted cache {} failed: {}", cacheName, e.toString()));
    }

    @Override
    public Map<String, DeliveryCursor> loadCursors() {
        Response all = redis.awaitResult(redis.send(Request.cmd(Command.HGETALL).arg(RedisKeys.WEBHOOK_CURSORS)));
        Map<String, DeliveryCursor> cursors = new HashMap<>();
        if (all != null) {
            // RESP3 answers a map, RESP2 a flat list of field, value pairs.
            if (all.type() == io.vertx.redis.client.ResponseType.MULTI && !all.getKeys().isEmpty()
                    && all.get(all.getKeys().iterator().next()) != null) {
                for (String key : all.getKeys()) {
                    cursors.put(key, DeliveryCursor.decode(all.get(key).toString()));
                }
            } else {
                for (int i = 0; i + 1 < all.size(); i += 2) {
                    cursors.put(all.get(i).toString(), DeliveryCursor.decode(all.get(i + 1).toString()));
                }
            }
        }
        return cursors;
    }

    @Override
    public void saveCursors(Map<String, DeliveryCursor> cursors, Map<String, Long> leases) {
        if (cursors.isEmpty()) {
            return;
        }
        List<Object> args = new ArrayList<>();
        cursors.forEach((key, cursor) -> {
            args.add(key);
            args.add(leases.getOrDefault(key, 0L));
            args.add(cursor.encode());
        });
        redis.awaitResult(redis.eval(LuaScript.WEBHOOK_CURSORS,
                List.of(RedisKeys.WEBHOOK_FENCES, RedisKeys.WEBHOOK_CURSORS, RedisKeys.WEBHOOKS), args));
    }

    @Override
    public Map<String, Long> lease(String nodeId, List<String> keys, long ttlMillis) {
        Map<String, Long> held = new HashMap<>();
        if (keys.isEmpty()) {
            return held;
        }
        List<Object> args = new ArrayList<>(List.of(nodeId, ttlMillis, RedisKeys.WEBHOOK_LEASE_PREFIX));
        args.addAll(keys);
        Response reply = redis.awaitResult(redis.eval(LuaScript.WEBHOOK_LEASE, List.of(RedisKeys.WEBHOOK_FENCES), args));
        if (reply != null) {
            for (int i = 0; i + 1 < reply.size(); i += 2) {
                held.put(reply.get(i).toString(), reply.get(i + 1).toLong());
            }
        }
        return held;
    }

    @Override
    public void release(String nodeId, List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        List<Object> args = new ArrayList<>(List.of(nodeId, RedisKeys.WEBHOOK_LEASE_PREFIX));
        args.addAll(keys);
        redis.awaitResult(redis.eval(LuaScript.WEBHOOK_RELEASE, List.of(RedisKeys.WEBHOOK_FENCES), args));
    }

    private static String write(Webhook webhook) {
        try {
            return JSON.writeValueAsString(webhook);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Webhook parse(byte[] json) {
        try {
            return JSON.readValue(json, Webhook.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable webhook in " + RedisKeys.WEBHOOKS, e);
        }
    }
}
