package dev.tern.redis;

import dev.tern.error.TernException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes that count as done only once {@code minReplicas} replicas hold them ({@code --redis-min-replicas}).
 * <p>
 * {@code WAIT} confirms the writes made on the connection it is sent on, so these writes do not go through the
 * shared pool: they run on a few dedicated connections (lanes). On a lane, a script is sent at once; a {@code WAIT} is
 * sent right behind it unless one is already under way, and then the next one is sent as soon as that returns. One
 * {@code WAIT} thus covers every script sent on its lane since the previous one (group commit): under load a lane has
 * at most one {@code WAIT} in flight whatever the publish rate. Redis runs a connection's commands in order, so a
 * {@code WAIT} sent after a script confirms it. On a Redis Cluster each shard's primary has lanes of its own, and a
 * script goes to the lanes of the primary that owns its keys' slot ({@link ClusterSlots}). Redis context only.
 */
final class ReplicatedWrites {
    private static final int LANES = 4;

    private final RedisBackend backend;
    private final int minReplicas;
    private final long waitMillis;
    /** The lanes of each primary (one entry, {@link #PRIMARY}, without a cluster). */
    private final Map<String, Lanes> primaries = new HashMap<>();
    /** The primaries whose last WAIT fell short (readiness), until a later one succeeds. */
    private final Set<String> shortOf = ConcurrentHashMap.newKeySet();
    /** The key of the one primary's lanes without a cluster (they use the backend's client of the primary). */
    private static final String PRIMARY = "";

    ReplicatedWrites(RedisBackend backend, int minReplicas, long waitMillis) {
        this.backend = backend;
        this.minReplicas = minReplicas;
        this.waitMillis = waitMillis;
    }

    boolean isConfirming() {
        return shortOf.isEmpty();
    }

    /** Runs a script (already loaded on the lane) and completes once enough replicas confirmed it. */
    Future<Response> eval(LuaScript script, List<String> keys, List<?> args) {
        ClusterSlots slots = backend.clusterSlots();
        String primary = slots == null ? PRIMARY : slots.primaryOf(keys.get(0));
        if (primary == null) {
            return Future.failedFuture(TernException.unavailable("the Redis Cluster's slot table is not known yet"));
        }
        return primaries.computeIfAbsent(primary, Lanes::new).next().eval(script, keys, args);
    }

    /** Drops every lane (the primary changed): what is under way fails, the next writes use new connections. */
    void reset(String why) {
        primaries.values().forEach(lanes -> lanes.drop(why));
        primaries.clear();
        shortOf.clear();
    }

    /** On a cluster: drops the lanes of nodes that no longer own slots (a failed primary, replaced by its replica). */
    void keepOnly(Set<String> current) {
        primaries.entrySet().removeIf(entry -> {
            if (current.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().drop("the node no longer owns slots in the Redis Cluster");
            shortOf.remove(entry.getKey());
            return true;
        });
    }

    /** One primary's lanes, taken in turn; on a cluster with a client of their own. */
    private final class Lanes {
        private final String primary;
        private final Redis client;
        private final Lane[] lanes = new Lane[LANES];
        private int turn;

        Lanes(String primary) {
            this.primary = primary;
            this.client = primary.equals(PRIMARY) ? null : backend.standaloneClient(primary, LANES + 1);
        }

        Lane next() {
            int index = turn;
            turn = (turn + 1) % LANES;
            if (lanes[index] == null || lanes[index].dropped) {
                lanes[index] = new Lane(this);
            }
            return lanes[index];
        }

        Redis client() {
            return client != null ? client : backend.currentClient();
        }

        void drop(String why) {
            for (Lane lane : lanes) {
                if (lane != null) {
                    lane.drop(why);
                }
            }
            if (client != null) {
                backend.vertx().setTimer(1000, id -> client.close());
            }
        }
    }

    private record Pending(Promise<Response> acknowledged, Future<Response> stored) {
    }

    private final class Lane {
        private final Lanes owner;
        private Future<RedisConnection> connection;
        private List<Pending> uncovered = new ArrayList<>();
        private boolean waiting;
        private boolean dropped;

        Lane(Lanes owner) {
            this.owner = owner;
        }

        Future<Response> eval(LuaScript script, List<String> keys, List<?> args) {
            Promise<Response> acknowledged = Promise.promise();
            connection().onComplete(ar -> {
                if (ar.failed()) {
                    acknowledged.fail(ar.cause());
                    return;
                }
                if (dropped) {
                    acknowledged.fail(TernException.unavailable("the Redis primary changed"));
                    return;
                }
                RedisConnection conn = ar.result();
                Future<Response> stored = conn.send(RedisBackend.scriptRequest(Command.EVALSHA, script.sha1(), keys, args));
                if (backend.clusterSlots() != null) {
                    // MOVED: the slot has another owner now (a failover or a resharding); the next publish goes there.
                    stored.onFailure(e -> {
                        if (String.valueOf(e.getMessage()).startsWith("MOVED")) {
                            backend.clusterSlots().refresh();
                        }
                    });
                }
                uncovered.add(new Pending(acknowledged, stored));
                if (!waiting) {
                    sendWait(conn);
                }
            });
            return acknowledged.future();
        }

        private Future<RedisConnection> connection() {
            if (connection == null) {
                connection = owner.client().connect().compose(conn -> {
                    conn.exceptionHandler(e -> drop(e.getMessage()));
                    conn.endHandler(v -> drop("connection closed"));
                    // Loaded on this connection first, so that EVALSHA finds it (and a retry with EVAL is never needed
                    // after a WAIT that would not cover it).
                    return conn.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(LuaScript.PUBLISH.source())).map(conn);
                });
                connection.onFailure(e -> connection = null);
            }
            return connection;
        }

        private void sendWait(RedisConnection conn) {
            List<Pending> batch = uncovered;
            uncovered = new ArrayList<>();
            waiting = true;
            conn.send(Request.cmd(Command.WAIT).arg(minReplicas).arg(waitMillis)).onComplete(ar -> {
                waiting = false;
                int confirmed = ar.succeeded() && ar.result() != null ? ar.result().toInteger() : -1;
                boolean enough = confirmed >= minReplicas;
                if (enough) {
                    shortOf.remove(owner.primary);
                } else {
                    shortOf.add(owner.primary);
                }
                for (Pending pending : batch) {
                    pending.stored.onComplete(stored -> {
                        if (stored.failed()) {
                            pending.acknowledged.fail(stored.cause());
                        } else if (enough) {
                            pending.acknowledged.complete(stored.result());
                        } else {
                            pending.acknowledged.fail(TernException.unavailable(shortfall(confirmed, ar.cause())));
                        }
                    });
                }
                if (ar.failed()) {
                    drop(ar.cause().getMessage());
                } else if (!uncovered.isEmpty() && !dropped) {
                    sendWait(conn);
                }
            });
        }

        private String shortfall(int confirmed, Throwable failure) {
            if (failure != null) {
                return "message may not be stored: Redis did not confirm it (" + failure.getMessage() + ")";
            }
            return "message stored on the Redis primary but confirmed by " + confirmed + " of the "
                    + minReplicas + " replicas required (--redis-min-replicas) within " + waitMillis
                    + " ms; it may still be delivered";
        }

        void drop(String why) {
            if (dropped) {
                return;
            }
            dropped = true;
            if (backend.clusterSlots() != null) {
                // A lost shard connection may mean a failover: read the slot table at once.
                backend.clusterSlots().refresh();
            }
            for (Pending pending : uncovered) {
                pending.acknowledged.tryFail(TernException.unavailable(
                        "message may not be stored: the Redis connection was lost (" + why + ")"));
            }
            uncovered = new ArrayList<>();
            if (connection != null) {
                connection.onSuccess(RedisConnection::close);
            }
        }
    }
}
