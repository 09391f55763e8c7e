package dev.tern.redis;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.ZModem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sharded pub/sub on a Redis Cluster: a topic's channel is served by the shard that owns its slot (the same slot as
 * the topic's keys, thanks to the hash tag), so messages travel only between that shard and the nodes listening.
 * Keeps one pub/sub connection per shard in use and follows the slot table: when a slot moves (or a shard is lost),
 * its channels are listened to again on their new owner, and their listeners catch up from the stream.
 * Redis context only.
 */
final class ShardedChannels implements ChannelSubscriptions {
    private static final Logger LOG = LoggerFactory.getLogger(ShardedChannels.class);
    private static final long REFRESH_MILLIS = 5_000;

    private final RedisBackend backend;
    private final Map<String, RedisChannels> shards = new HashMap<>();
    private final Map<String, String> placement = new HashMap<>();
    private final Map<String, RedisChannels.Listener> listeners = new HashMap<>();
    private final Map<String, List<Promise<Void>>> unplaced = new HashMap<>();
    private List<SlotRange> slots = List.of();
    private boolean refreshing;

    private record SlotRange(int start, int end, String endpoint) {
    }

    ShardedChannels(RedisBackend backend) {
        this.backend = backend;
    }

    void start() {
        refresh();
        backend.vertx().setPeriodic(REFRESH_MILLIS, id -> refresh());
    }

    @Override
    public Future<Void> listen(String channel, RedisChannels.Listener listener) {
        listeners.put(channel, listener);
        String endpoint = owner(channel);
        if (endpoint == null) {
            // The slot table is not known yet: listen once it is.
            Promise<Void> placed = Promise.promise();
            unplaced.computeIfAbsent(channel, c -> new ArrayList<>()).add(placed);
            refresh();
            return placed.future();
        }
        placement.put(channel, endpoint);
        return shard(endpoint).listen(channel, listener);
    }

    @Override
    public void unlisten(String channel) {
        listeners.remove(channel);
        unplaced.remove(channel);
        String endpoint = placement.remove(channel);
        if (endpoint != null && shards.containsKey(endpoint)) {
            shards.get(endpoint).unlisten(channel);
        }
    }

    @Override
    public boolean isConnected() {
        if (slots.isEmpty()) {
            return false;
        }
        for (RedisChannels shard : shards.values()) {
            if (shard.hasListeners() && !shard.isConnected()) {
                return false;
            }
        }
        return true;
    }

    void stop() {
        shards.values().forEach(RedisChannels::stop);
    }

    private RedisChannels shard(String endpoint) {
        return shards.computeIfAbsent(endpoint, url -> {
            RedisChannels shard = new RedisChannels(backend, fixed(backend.standaloneClient(url)), () -> RedisBackend.redacted(url), true);
            shard.onLost(this::refresh);
            shard.start();
            return shard;
        });
    }

    private static java.util.function.Supplier<io.vertx.redis.client.Redis> fixed(io.vertx.redis.client.Redis client) {
        return () -> client;
    }

    private String owner(String channel) {
        int slot = ZModem.generate(channel);
        for (SlotRange range : slots) {
            if (slot >= range.start && slot <= range.end) {
                return range.endpoint;
            }
        }
        return null;
    }

    /** Reads the slot table and moves every channel whose slot changed owner. */
    private void refresh() {
        if (refreshing) {
            return;
        }
        refreshing = true;
        backend.send(Request.cmd(Command.CLUSTER).arg("SLOTS")).onComplete(ar -> {
            refreshing = false;
            if (ar.failed()) {
                if (slots.isEmpty()) {
                    backend.vertx().setTimer(250, id -> refresh());
                }
                return;
            }
            List<SlotRange> table = new ArrayList<>();
            for (Response range : ar.result()) {
                Response master = range.get(2);
                String host = master.get(0).toString();
                table.add(new SlotRange(range.get(0).toInteger(), range.get(1).toInteger(),
                        backend.endpointUrl(host, master.get(1).toInteger())));
            }
            slots = table;
            for (Map.Entry<String, RedisChannels.Listener> entry : new ArrayList<>(listeners.entrySet())) {
                String channel = entry.getKey();
                String now = owner(channel);
                String before = placement.get(channel);
                if (now != null && !now.equals(before)) {
                    LOG.info("channel {} moved to {}", channel, RedisBackend.redacted(now));
                    if (before != null && shards.containsKey(before)) {
                        shards.get(before).unlisten(channel);
                    }
                    placement.put(channel, now);
                    Future<Void> listening = shard(now).listen(channel, entry.getValue());
                    List<Promise<Void>> waiting = unplaced.remove(channel);
                    if (waiting != null) {
                        listening.onComplete(done -> waiting.forEach(promise -> promise.handle(done)));
                    }
                }
            }
        });
    }
}
