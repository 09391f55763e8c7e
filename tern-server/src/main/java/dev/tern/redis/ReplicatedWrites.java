package dev.tern.redis;

import dev.tern.error.TernException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes that count as done only once {@code minReplicas} replicas hold them ({@code --redis-min-replicas}).
 * <p>
 * {@code WAIT} confirms the writes made on the connection it is sent on, so these writes do not go through the
 * shared pool: they run on a few dedicated connections (lanes). On a lane, a script is sent at once; a {@code WAIT} is
 * sent right behind it unless one is already under way, and then the next one is sent as soon as that returns. One
 * {@code WAIT} thus covers every script sent on its lane since the previous one (group commit): under load a lane has
 * at most one {@code WAIT} in flight whatever the publish rate. Redis runs a connection's commands in order, so a
 * {@code WAIT} sent after a script confirms it. Redis context only.
 */
final class ReplicatedWrites {
    private static final int LANES = 4;

    private final RedisBackend backend;
    private final int minReplicas;
    private final long waitMillis;
    private final Lane[] lanes = new Lane[LANES];
    private int turn;
    /** False from a WAIT that fell short until a later one succeeds (readiness). */
    private volatile boolean confirming = true;

    ReplicatedWrites(RedisBackend backend, int minReplicas, long waitMillis) {
        this.backend = backend;
        this.minReplicas = minReplicas;
        this.waitMillis = waitMillis;
    }

    boolean isConfirming() {
        return confirming;
    }

    /** Runs a script (already loaded on the lane) and completes once enough replicas confirmed it. */
    Future<Response> eval(LuaScript script, List<String> keys, List<?> args) {
        int index = turn;
        turn = (turn + 1) % LANES;
        if (lanes[index] == null) {
            lanes[index] = new Lane();
        }
        return lanes[index].eval(script, keys, args);
    }

    /** Drops every lane (the primary changed): what is under way fails, the next writes use new connections. */
    void reset(String why) {
        for (int i = 0; i < LANES; i++) {
            if (lanes[i] != null) {
                lanes[i].drop(why);
                lanes[i] = null;
            }
        }
    }

    private record Pending(Promise<Response> acknowledged, Future<Response> stored) {
    }

    private final class Lane {
        private Future<RedisConnection> connection;
        private List<Pending> uncovered = new ArrayList<>();
        private boolean waiting;
        private boolean dropped;

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
                uncovered.add(new Pending(acknowledged, stored));
                if (!waiting) {
                    sendWait(conn);
                }
            });
            return acknowledged.future();
        }

        private Future<RedisConnection> connection() {
            if (connection == null) {
                connection = backend.currentClient().connect().compose(conn -> {
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
                confirming = enough;
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
            for (int i = 0; i < LANES; i++) {
                if (lanes[i] == this) {
                    lanes[i] = null;
                }
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
