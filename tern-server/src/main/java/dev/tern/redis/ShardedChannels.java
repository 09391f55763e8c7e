package dev.tern.redis;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sharded pub/sub on a Redis Cluster: a topic's channel is served by the shard that owns its slot (the same slot as
 * the topic's keys, thanks to the hash tag), so messages travel only between that shard and the nodes listening.
 * Keeps one pub/sub connection per shard in use and follows the slot table ({@link ClusterSlots}): when a slot moves
 * (resharding, or a shard's failover that promoted its replica), its channels are listened to again on their new
 * owner, and their listeners catch up from the stream. Redis context only.
 */
final class ShardedChannels implements ChannelSubscriptions {
    private static final Logger LOG = LoggerFactory.getLogger(ShardedChannels.class);

    private final RedisBackend backend;
    private final ClusterSlots slots;
    private final Map<String, RedisChannels> shards = new HashMap<>();
    private final Map<String, String> placement = new HashMap<>();
    private final Map<String, RedisChannels.Listener> listeners = new HashMap<>();
    private final Map<String, List<Promise<Void>>> unplaced = new HashMap<>();

    ShardedChannels(RedisBackend backend, ClusterSlots slots) {
        this.backend = backend;
        this.slots = slots;
        slots.onChange(this::follow);
    }

    @Override
    public Future<Void> listen(String channel, RedisChannels.Listener listener) {
        listeners.put(channel, listener);
        String endpoint = slots.primaryOf(channel);
        if (endpoint == null) {
            // The slot table is not known yet: listen once it is.
            Promise<Void> placed = Promise.promise();
            unplaced.computeIfAbsent(channel, c -> new ArrayList<>()).add(placed);
            slots.refresh();
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
        if (!slots.isKnown()) {
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
            io.vertx.redis.client.Redis client = backend.standaloneClient(url);
            RedisChannels shard = new RedisChannels(backend, () -> client, () -> RedisBackend.redacted(url), true);
            // A lost shard may mean a failover: read the table at once rather than at the next tick.
            shard.onLost(slots::refresh);
            shard.start();
            return shard;
        });
    }

    /** The slot table changed: moves every channel whose slot has another owner, and closes unused shards. */
    private void follow() {
        for (Map.Entry<String, RedisChannels.Listener> entry : new ArrayList<>(listeners.entrySet())) {
            String channel = entry.getKey();
            String now = slots.primaryOf(channel);
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
        // A shard that owns no slot any more (a dead primary replaced by its replica) would otherwise keep retrying.
        java.util.Set<String> primaries = slots.primaries();
        shards.entrySet().removeIf(entry -> {
            if (!primaries.contains(entry.getKey()) && !entry.getValue().hasListeners()) {
                entry.getValue().stop();
                return true;
            }
            return false;
        });
    }
}
