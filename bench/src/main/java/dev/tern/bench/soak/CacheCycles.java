package dev.tern.bench.soak;

import dev.tern.bench.Payload;
import io.vertx.core.Future;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Caches created and deleted all along, on a thread of their own. One cycle: create cache {@code soak-cycle-N},
 * follow its topic with one subscriber of each transport (from message 1), publish {@link #MESSAGES} messages, wait
 * until every subscriber has them all in order, delete the cache, and check that every subscriber was ended for that
 * reason (SSE {@code end} {@code cache_deleted}, WebSocket 4404, gRPC NOT_FOUND, long poll 404) and that a publish
 * to the deleted cache is a 404. Any step that fails makes the cycle (and the soak) fail.
 */
final class CacheCycles implements Runnable {
    static final int MESSAGES = 10;
    /** A bound for hangs, not a timing check: generous enough for a machine many times oversubscribed. */
    private static final long STEP_TIMEOUT_MILLIS = 120_000;

    private final Admin admin;
    private final SoakClients clients;
    private final int lane;
    private final long pauseMillis;
    private volatile boolean stopped;
    private final Thread thread = new Thread(this, "soak-cache-cycles");

    CacheCycles(Admin admin, SoakClients clients, int lane, long pauseMillis) {
        this.admin = admin;
        this.clients = clients;
        this.lane = lane;
        this.pauseMillis = pauseMillis;
    }

    void start() {
        thread.setDaemon(true);
        thread.start();
    }

    void stop() throws InterruptedException {
        stopped = true;
        thread.join(60_000);
    }

    @Override
    public void run() {
        for (int n = 1; !stopped; n++) {
            String failure;
            try {
                failure = cycle("soak-cycle-" + n);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                failure = String.valueOf(e);
            }
            clients.stats.cacheCycles.increment();
            if (failure != null) {
                clients.stats.cacheCycleFailures.increment();
                clients.stats.unexpected("cache cycle soak-cycle-" + n + ": " + failure);
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One cycle; null when every check passed, else what failed. */
    private String cycle(String cache) throws Exception {
        int created = admin.createCache(cache);
        if (created != 201) {
            return "create answered " + created;
        }
        List<Follower> followers = List.of(new SseFollower(cache, 0, clients), new WebSocketFollower(cache, 0, clients),
                new GrpcFollower(cache, 0, clients), new LongPollFollower(cache, 0, clients));
        try {
            followers.forEach(Follower::start);
            for (int i = 1; i <= MESSAGES; i++) {
                byte[] body = new Payload(lane, i, 0, 0).encode();
                int status = publish(cache, body);
                if (status != 204) {
                    return "publish " + i + " answered " + status;
                }
            }
            long deadline = System.currentTimeMillis() + STEP_TIMEOUT_MILLIS;
            for (Follower follower : followers) {
                while (follower.check.laneLast(lane) != MESSAGES && System.currentTimeMillis() < deadline) {
                    Thread.sleep(10);
                }
                if (follower.check.laneLast(lane) != MESSAGES) {
                    return follower.transport + " subscriber had " + follower.check.laneLast(lane) + " of " + MESSAGES
                            + " messages after " + STEP_TIMEOUT_MILLIS / 1000 + " s";
                }
            }
            int deleted = admin.deleteCache(cache);
            if (deleted != 204) {
                return "delete answered " + deleted;
            }
            for (Follower follower : followers) {
                Future<Follower.End> end = follower.finished();
                Follower.End how = end.toCompletionStage().toCompletableFuture()
                        .get(STEP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                if (how != Follower.End.CACHE_DELETED) {
                    return follower.transport + " subscriber ended " + how + " after the delete";
                }
            }
            int after = publish(cache, new Payload(lane, MESSAGES + 1, 0, 0).encode());
            return after == 404 ? null : "publish to the deleted cache answered " + after;
        } catch (java.util.concurrent.TimeoutException e) {
            return "a subscriber was not ended within " + STEP_TIMEOUT_MILLIS / 1000 + " s of the delete";
        } finally {
            followers.forEach(Follower::stop);
            admin.deleteCache(cache); // when the cycle failed early; 404 otherwise
        }
    }

    /** Publishes with the current token, retried once with a fresh one if it had just expired. */
    private int publish(String cache, byte[] body) throws Exception {
        int status = admin.publish(cache, "t0", clients.tokens.current(), body);
        if (status == 401) {
            clients.tokens.refused();
            Thread.sleep(1_100);
            status = admin.publish(cache, "t0", clients.tokens.current(), body);
        }
        return status;
    }
}
