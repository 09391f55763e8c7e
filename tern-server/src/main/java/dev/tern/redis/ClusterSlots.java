package dev.tern.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.ZModem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tern's own copy of a Redis Cluster's slot table ({@code CLUSTER SLOTS}): which primary owns each slot, and which
 * replicas follow it. Read every second and on demand (a shard's connection dropped, a {@code MOVED} reply), from any
 * node that answers: the nodes of the last table first, then the seed URLs, so that losing the node Tern was started
 * with does not blind it. Sharded pub/sub, the replica-acknowledged writes and the choice of the node that carries the
 * control channel follow it; after a shard's failover the promoted replica appears here as the slots' owner within
 * about a second of the cluster electing it. Redis context only.
 */
final class ClusterSlots {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSlots.class);
    private static final long REFRESH_MILLIS = 1_000;

    /** A range of slots, its primary and its (healthy) replicas, as endpoint URLs. */
    record Range(int start, int end, String primary, List<String> replicas) {
    }

    private final RedisBackend backend;
    private final List<String> seeds;
    private final Map<String, Redis> probes = new HashMap<>();
    private final Map<String, Redis> primaryClients = new HashMap<>();
    private final List<Runnable> listeners = new ArrayList<>();
    private List<Range> table = List.of();
    private String lastAnswered;
    private boolean refreshing;
    private long timer = -1;

    ClusterSlots(RedisBackend backend, List<String> seeds) {
        this.backend = backend;
        this.seeds = List.copyOf(seeds);
    }

    void start() {
        refresh();
        timer = backend.vertx().setPeriodic(REFRESH_MILLIS, id -> refresh());
    }

    void stop() {
        backend.vertx().cancelTimer(timer);
        probes.values().forEach(Redis::close);
        probes.clear();
        primaryClients.values().forEach(Redis::close);
        primaryClients.clear();
    }

    /** Runs (Redis context) each time the table changed. */
    void onChange(Runnable listener) {
        listeners.add(listener);
    }

    boolean isKnown() {
        return !table.isEmpty();
    }

    /** The endpoint of the primary that owns the key's (or channel's) slot, or null while the table is unknown. */
    String primaryOf(String key) {
        int slot = ZModem.generate(key);
        for (Range range : table) {
            if (slot >= range.start && slot <= range.end) {
                return range.primary;
            }
        }
        return null;
    }

    /** The primaries that own slots now. */
    Set<String> primaries() {
        Set<String> primaries = new LinkedHashSet<>();
        table.forEach(range -> primaries.add(range.primary));
        return primaries;
    }

    /** Every node the table names (primaries, then replicas). */
    Set<String> nodes() {
        Set<String> nodes = primaries();
        table.forEach(range -> nodes.addAll(range.replicas));
        return nodes;
    }

    /** A small client for one node (Tern's own questions to it: the slot table, {@code INFO replication}). */
    Redis probe(String endpoint) {
        return probes.computeIfAbsent(endpoint, backend::standaloneClient);
    }

    /**
     * A pooled client for one shard's primary: scripts, whose keys Tern knows, go straight to the shard that owns
     * them, so a shard that is down (or failing over) does not hold up the others.
     */
    Redis primaryClient(String primary) {
        return primaryClients.computeIfAbsent(primary, endpoint -> backend.standaloneClient(endpoint, 16));
    }

    /** Reads the table again now (unless a read is under way). */
    void refresh() {
        if (refreshing) {
            return;
        }
        refreshing = true;
        List<String> candidates = new ArrayList<>();
        if (lastAnswered != null) {
            candidates.add(lastAnswered);
        }
        candidates.addAll(nodes());
        candidates.addAll(seeds);
        ask(new ArrayList<>(new LinkedHashSet<>(candidates)), 0).onComplete(ar -> {
            refreshing = false;
            if (ar.succeeded() && !ar.result().equals(table)) {
                if (!table.isEmpty()) {
                    LOG.info("the Redis Cluster's slot owners are now {}", RedisBackend.redacted(String.join(", ", primariesOf(ar.result()))));
                }
                table = ar.result();
                Set<String> primaries = primaries();
                primaryClients.entrySet().removeIf(entry -> {
                    if (primaries.contains(entry.getKey())) {
                        return false;
                    }
                    Redis gone = entry.getValue();
                    backend.vertx().setTimer(5_000, id -> gone.close());
                    return true;
                });
                new ArrayList<>(listeners).forEach(Runnable::run);
            }
        });
    }

    private static Set<String> primariesOf(List<Range> ranges) {
        Set<String> primaries = new LinkedHashSet<>();
        ranges.forEach(range -> primaries.add(range.primary));
        return primaries;
    }

    private Future<List<Range>> ask(List<String> candidates, int index) {
        if (index >= candidates.size()) {
            return Future.failedFuture("no Redis Cluster node answered CLUSTER SLOTS");
        }
        String endpoint = candidates.get(index);
        return backend.timed(() -> probe(endpoint).send(Request.cmd(Command.CLUSTER).arg("SLOTS"))).transform(ar -> {
            if (ar.succeeded() && ar.result() != null && ar.result().size() > 0) {
                lastAnswered = endpoint;
                return Future.succeededFuture(parse(ar.result(), endpoint));
            }
            return ask(candidates, index + 1);
        });
    }

    private List<Range> parse(Response reply, String answeredBy) {
        java.net.URI asked = java.net.URI.create(answeredBy);
        List<Range> ranges = new ArrayList<>();
        for (Response range : reply) {
            String primary = endpoint(range.get(2), asked);
            List<String> replicas = new ArrayList<>();
            for (int i = 3; i < range.size(); i++) {
                replicas.add(endpoint(range.get(i), asked));
            }
            ranges.add(new Range(range.get(0).toInteger(), range.get(1).toInteger(), primary, List.copyOf(replicas)));
        }
        ranges.sort((x, y) -> Integer.compare(x.start, y.start));
        return List.copyOf(ranges);
    }

    /** A node of the reply as an endpoint URL; an empty or unknown host is the host of the node that answered. */
    private String endpoint(Response node, java.net.URI asked) {
        String host = node.get(0) == null ? "" : node.get(0).toString();
        if (host.isEmpty() || host.equals("?")) {
            host = asked.getHost();
        }
        return backend.endpointUrl(host, node.get(1).toInteger());
    }
}
