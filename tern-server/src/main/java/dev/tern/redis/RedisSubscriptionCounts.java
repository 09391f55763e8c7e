package dev.tern.redis;

import dev.tern.limit.SubscriptionCounter;
import dev.tern.limit.SubscriptionLimit;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Subscription counts across every node. Each node counts its own subscriptions exactly (a subscribe must be
 * decided without waiting for Redis) and, every {@link #SHARE_MILLIS}, writes them to Redis and reads the other
 * live nodes' counts. A subscribe is admitted while this node's count plus the others' last known counts stays
 * within the limit; so the limit holds across the cluster to within what nodes admit in one sharing interval.
 * A node that dies stops refreshing its counts, and they expire.
 */
public final class RedisSubscriptionCounts implements SubscriptionLimit {
    static final long SHARE_MILLIS = 500;
    private static final long NODE_TTL_MILLIS = 3_000;

    private final RedisBackend redis;
    private final String nodeId = UUID.randomUUID().toString();
    private volatile Map<String, Integer> others = Map.of();
    private final SubscriptionCounter local = new SubscriptionCounter(cacheName -> others.getOrDefault(cacheName, 0));

    public RedisSubscriptionCounts(RedisBackend redis) {
        this.redis = redis;
        redis.context().runOnContext(v -> redis.vertx().setPeriodic(SHARE_MILLIS, id -> share()));
    }

    @Override
    public void acquire(String cacheName, int maxSubscriptions) {
        local.acquire(cacheName, maxSubscriptions);
    }

    @Override
    public void release(String cacheName) {
        local.release(cacheName);
    }

    /** Writes this node's counts and reads the others' (Redis context). */
    private void share() {
        long now = System.currentTimeMillis();
        String mine = RedisKeys.nodeSubscriptions(nodeId);
        List<Request> writes = new ArrayList<>();
        writes.add(Request.cmd(Command.DEL).arg(mine));
        Request counts = Request.cmd(Command.HSET).arg(mine);
        int fields = 0;
        for (Map.Entry<String, Integer> entry : local.snapshot().entrySet()) {
            counts.arg(entry.getKey()).arg(entry.getValue());
            fields++;
        }
        if (fields > 0) {
            writes.add(counts);
            writes.add(Request.cmd(Command.PEXPIRE).arg(mine).arg(NODE_TTL_MILLIS));
        }
        writes.add(Request.cmd(Command.ZADD).arg(RedisKeys.NODES).arg(now).arg(nodeId));
        writes.add(Request.cmd(Command.ZREMRANGEBYSCORE).arg(RedisKeys.NODES).arg("-inf").arg(now - NODE_TTL_MILLIS));
        writes.add(Request.cmd(Command.ZRANGE).arg(RedisKeys.NODES).arg(0).arg(-1));
        redis.batch(writes).onSuccess(replies -> {
            List<Request> reads = new ArrayList<>();
            for (Response node : replies.get(replies.size() - 1)) {
                if (!nodeId.equals(node.toString())) {
                    reads.add(Request.cmd(Command.HGETALL).arg(RedisKeys.nodeSubscriptions(node.toString())));
                }
            }
            if (reads.isEmpty()) {
                others = Map.of();
                return;
            }
            redis.batch(reads).onSuccess(this::sumOthers);
        });
    }

    private void sumOthers(List<Response> nodeCounts) {
        Map<String, Integer> sums = new HashMap<>();
        for (Response node : nodeCounts) {
            if (node == null) {
                continue;
            }
            for (String cache : node.getKeys()) {
                sums.merge(cache, node.get(cache).toInteger(), Integer::sum);
            }
        }
        others = sums;
    }
}
