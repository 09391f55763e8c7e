package dev.tern.bench.soak;

import io.vertx.core.Promise;
import io.vertx.core.Future;

/**
 * One subscriber of one topic, over one transport, for the whole soak: it connects, follows the topic, and when a
 * connection ends it comes back resuming right after the last message it received (so it must neither miss nor
 * repeat one: {@link SequenceCheck}). Its own client closes each connection after a random lifetime (churn), and
 * the server ends it when its token expires; both are expected. An end for any other reason is counted as
 * unexpected (a failure of the soak) and followed by a reconnect a second later. A deleted cache ends it for good.
 * <p>
 * Each connection has a generation; callbacks of an older connection are ignored, so a transport may report an end
 * more than once (error, then close) without harm.
 */
abstract class Follower {
    enum End {
        /** Its client closed the connection (churn). */
        CHURN,
        /** The server ended it because its token expired, or refused the token (it expired before the connect). */
        TOKEN_EXPIRED,
        /** The cache was deleted. */
        CACHE_DELETED,
        /** Anything else: a failure. */
        UNEXPECTED
    }

    final String transport;
    final String cache;
    final int topic;
    final SequenceCheck check;
    final SoakClients clients;
    private final Promise<End> finished = Promise.promise();
    private int generation;
    private boolean endedThisGeneration;
    private boolean closingForChurn;
    private long churnTimer = -1;
    private volatile boolean stopped;

    Follower(String transport, String cache, int topic, SoakClients clients) {
        this.transport = transport;
        this.cache = cache;
        this.topic = topic;
        this.clients = clients;
        this.check = new SequenceCheck(cache, topic, clients.lanes, clients.stats);
    }

    /** Opens the first connection. */
    final void start() {
        clients.vertx.runOnContext(v -> connect());
    }

    /** Completes when the follower stops: its cache was deleted, or {@link #stop()}. */
    final Future<End> finished() {
        return finished.future();
    }

    /** Ends the current connection and does not come back. */
    final void stop() {
        stopped = true;
        clients.vertx.runOnContext(v -> {
            synchronized (this) {
                cancelChurn();
                closingForChurn = true;
                close(generation);
            }
            finished.tryComplete(End.CHURN);
        });
    }

    /** Opens a connection from the current position with the current token; reports through the methods below. */
    protected abstract void open(int generation, String token);

    /** Closes the connection of {@code generation} from the client's side. */
    protected abstract void close(int generation);

    /** Path of the topic, {@code /topics/cache/tN}. */
    final String topicPath() {
        return "/topics/" + cache + "/t" + topic;
    }

    private synchronized void connect() {
        if (stopped) {
            return;
        }
        generation++;
        endedThisGeneration = false;
        closingForChurn = false;
        open(generation, clients.tokens.current());
    }

    /** The subscription of {@code generation} is live: its lifetime starts. */
    protected final synchronized void live(int generation) {
        if (generation != this.generation || endedThisGeneration) {
            return;
        }
        long life = clients.nextLifeMillis();
        if (life > 0) {
            churnTimer = clients.vertx.setTimer(life, t -> churn(generation));
        }
    }

    private synchronized void churn(int generation) {
        churnTimer = -1;
        if (generation == this.generation && !endedThisGeneration && !stopped) {
            closingForChurn = true;
            close(generation);
        }
    }

    /** True while the client is closing the connection itself: an error then is the churn's, not a failure. */
    protected final synchronized boolean closingForChurn(int generation) {
        return generation == this.generation && closingForChurn;
    }

    /** The connection of {@code generation} ended, {@code how}; {@code detail} says why when unexpected. */
    protected final synchronized void ended(int generation, End how, String detail) {
        if (generation != this.generation || endedThisGeneration) {
            return;
        }
        endedThisGeneration = true;
        cancelChurn();
        if (stopped) {
            return;
        }
        End end = closingForChurn && how == End.UNEXPECTED ? End.CHURN : how;
        clients.stats.ended(transport, end);
        switch (end) {
            case CACHE_DELETED:
                stopped = true;
                finished.tryComplete(end);
                return;
            case TOKEN_EXPIRED:
                clients.tokens.refused();
                clients.vertx.setTimer(50, t -> connect());
                return;
            case CHURN:
                clients.vertx.setTimer(1, t -> connect());
                return;
            default:
                clients.stats.unexpected(transport + " subscriber of " + cache + "/t" + topic + ": " + detail);
                clients.vertx.setTimer(1_000, t -> connect());
        }
    }

    private void cancelChurn() {
        if (churnTimer >= 0) {
            clients.vertx.cancelTimer(churnTimer);
            churnTimer = -1;
        }
    }
}
