package dev.tern.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.cache.CacheInfo;
import dev.tern.cache.CacheStore;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The caches of every node, in the Redis hash {@code tern:caches}. A node that creates or deletes a cache announces it
 * on {@code tern:control}; every node applies announcements to its copy, and reloads the whole hash whenever it
 * (re)starts listening and every few seconds, so a missed announcement is healed. Deleting a cache also deletes its
 * topics' keys, so a cache created again with the same name starts empty.
 */
public final class RedisCacheStore implements CacheStore {
    private static final Logger LOG = LoggerFactory.getLogger(RedisCacheStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long RELOAD_MILLIS = 5_000;
    private static final String CREATED = "created ";
    private static final String DELETED = "deleted ";

    private final RedisBackend redis;

    public RedisCacheStore(RedisBackend redis) {
        this.redis = redis;
    }

    @Override
    public List<CacheInfo> loadAll() {
        List<CacheInfo> all = redis.awaitResult(readAll());
        if (all == null) {
            throw dev.tern.error.TernException.unavailable("Redis lost Tern's state; it is being restored, try again");
        }
        return all;
    }

    /** Every stored cache, or null when Redis lost Tern's state (then the copies must not be emptied, but restored). */
    private Future<List<CacheInfo>> readAll() {
        // The marker is read first: if it is there, the caches restored before it are too.
        return redis.batch(List.of(Request.cmd(Command.EXISTS).arg(RedisKeys.SIGNING_SECRET),
                Request.cmd(Command.HVALS).arg(RedisKeys.CACHES))).map(replies -> {
            if (!RedisBackend.holdsState(replies.get(0))) {
                return null;
            }
            List<CacheInfo> all = new ArrayList<>();
            Response values = replies.get(1);
            if (values != null) {
                for (Response value : values) {
                    all.add(parse(value.toBytes()));
                }
            }
            return all;
        });
    }

    @Override
    public boolean insert(CacheInfo cache) {
        String json = write(cache);
        Response added = redis.awaitResult(redis.send(
                Request.cmd(Command.HSETNX).arg(RedisKeys.CACHES).arg(cache.name()).arg(json)));
        if (added == null || added.toInteger() == 0) {
            return false;
        }
        announce(CREATED + json);
        return true;
    }

    @Override
    public boolean remove(String name) {
        Response removed = redis.awaitResult(redis.send(Request.cmd(Command.HDEL).arg(RedisKeys.CACHES).arg(name)));
        if (removed == null || removed.toInteger() == 0) {
            return false;
        }
        announce(DELETED + name);
        if (!redis.isCluster()) {
            // On a cluster a SCAN sees one shard only; there the topics' keys expire when idle instead.
            redis.context().runOnContext(v -> deleteTopicKeys(name, "0"));
        }
        return true;
    }

    @Override
    public Optional<CacheInfo> lookup(String name) {
        Response value = redis.awaitResult(redis.send(Request.cmd(Command.HGET).arg(RedisKeys.CACHES).arg(name)));
        return value == null ? Optional.empty() : Optional.of(parse(value.toBytes()));
    }

    @Override
    public void watch(Changes changes) {
        RedisChannels.Listener listener = new RedisChannels.Listener() {
            @Override
            public void onMessage(Buffer payload) {
                String message = payload.toString(StandardCharsets.UTF_8);
                try {
                    if (message.startsWith(CREATED)) {
                        changes.created(parse(message.substring(CREATED.length()).getBytes(StandardCharsets.UTF_8)));
                    } else if (message.startsWith(DELETED)) {
                        changes.deleted(message.substring(DELETED.length()));
                    }
                } catch (RuntimeException e) {
                    LOG.warn("ignoring a malformed announcement on {}: {}", RedisKeys.CONTROL_CHANNEL, e.toString());
                }
            }

            @Override
            public void onListening() {
                reload(changes);
            }
        };
        redis.onDataLost(() -> restore(changes.current()), false);
        redis.context().runOnContext(v -> {
            redis.channels().listen(RedisKeys.CONTROL_CHANNEL, listener);
            redis.vertx().setPeriodic(RELOAD_MILLIS, id -> reload(changes));
        });
    }

    private void reload(Changes changes) {
        long snapshotTaken = System.nanoTime();
        readAll().onSuccess(all -> {
            if (all != null) {
                changes.reload(all, snapshotTaken);
            }
        });
    }

    /** Puts back the caches this node knows, after Redis lost its data. */
    private Future<?> restore(List<CacheInfo> known) {
        List<Request> writes = new ArrayList<>();
        for (CacheInfo cache : known) {
            writes.add(Request.cmd(Command.HSETNX).arg(RedisKeys.CACHES).arg(cache.name()).arg(write(cache)));
        }
        return writes.isEmpty() ? Future.succeededFuture() : redis.batch(writes);
    }

    private void announce(String message) {
        // Best effort: a node that misses it catches up on its next reload.
        redis.send(Request.cmd(Command.PUBLISH).arg(RedisKeys.CONTROL_CHANNEL).arg(message));
    }

    /** Deletes the keys of the cache's topics, a SCAN batch at a time (Redis context). */
    private void deleteTopicKeys(String cacheName, String cursor) {
        redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(RedisKeys.cacheTopicsPattern(cacheName))
                        .arg("COUNT").arg(500))
                .onSuccess(page -> {
                    String next = page.get(0).toString();
                    Response keys = page.get(1);
                    if (keys != null && keys.size() > 0) {
                        Request unlink = Request.cmd(Command.UNLINK);
                        keys.forEach(key -> unlink.arg(key.toString()));
                        redis.send(unlink);
                    }
                    if (!"0".equals(next)) {
                        deleteTopicKeys(cacheName, next);
                    }
                })
                .onFailure(e -> LOG.warn("could not delete the topics of deleted cache {}: {}", cacheName, e.toString()));
    }

    private static String write(CacheInfo cache) {
        try {
            return JSON.writeValueAsString(cache);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CacheInfo parse(byte[] json) {
        try {
            return JSON.readValue(json, CacheInfo.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable cache in " + RedisKeys.CACHES, e);
        }
    }
}
