package dev.tern.bench.soak;

import dev.tern.bench.Payload;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One publisher: one message in flight at a time, at a steady rate, each to a random topic of the soak cache.
 * Messages are numbered per topic (1, 2, 3...); a number is used again only for a retry of a refused message, so
 * subscribers can check each lane's order and completeness. A 401 (the token expired between two mints) is retried
 * with the current token; any other refusal or a lost answer is a failure of the soak, then retried. When behind
 * schedule by over a second (a stalled machine) the lane skips ahead rather than bursting.
 */
abstract class PublishLane {
    /** The outcome of one attempt. */
    enum Outcome { STORED, TOKEN_EXPIRED, FAILED }

    final int lane;
    final String cache;
    final int topics;
    final SoakClients clients;
    final Acknowledged acknowledged;
    private final long intervalNanos;
    private final long[] nextSequence;
    private final CountDownLatch done;
    private volatile boolean stopped;
    private long due;
    private int pendingTopic = -1;
    private long pendingSequence;
    private byte[] pendingBody;

    PublishLane(int lane, String cache, int topics, double rate, SoakClients clients, Acknowledged acknowledged,
                CountDownLatch done) {
        this.lane = lane;
        this.cache = cache;
        this.topics = topics;
        this.clients = clients;
        this.acknowledged = acknowledged;
        this.intervalNanos = (long) (1e9 / rate);
        this.nextSequence = new long[topics];
        this.done = done;
    }

    void start() {
        due = System.nanoTime() + ThreadLocalRandom.current().nextLong(intervalNanos); // lanes out of step
        next();
    }

    void stop() {
        stopped = true;
    }

    /** Sends one message; calls {@link #answered} exactly once. */
    protected abstract void send(String topic, byte[] body, String token);

    /** Runs {@code task} after {@code millis} (at least 1). */
    protected abstract void later(long millis, Runnable task);

    /** Called before every new message (not retries): a chance to close the connection now and then. */
    protected abstract void beforeNewMessage();

    private void next() {
        if (stopped && pendingTopic < 0) {
            done.countDown();
            return;
        }
        long now = System.nanoTime();
        if (now - due > 1_000_000_000L) {
            due = now;
        }
        long wait = (due - now) / 1_000_000;
        due += intervalNanos;
        if (wait >= 1) {
            later(wait, this::publish);
        } else {
            publish();
        }
    }

    private void publish() {
        if (pendingTopic < 0) {
            if (stopped) {
                done.countDown();
                return;
            }
            beforeNewMessage();
            pendingTopic = ThreadLocalRandom.current().nextInt(topics);
            pendingSequence = ++nextSequence[pendingTopic];
            pendingBody = new Payload(lane, pendingSequence, 0, pendingTopic).encode(); // no send time: no latency here
        }
        send("t" + pendingTopic, pendingBody, clients.tokens.current());
    }

    /** The answer to the last {@link #send}. */
    protected final void answered(Outcome outcome, String detail) {
        switch (outcome) {
            case STORED:
                acknowledged.acknowledged(lane, pendingTopic, pendingSequence);
                clients.stats.published.increment();
                pendingTopic = -1;
                next();
                break;
            case TOKEN_EXPIRED:
                clients.stats.publishesRefusedExpired.increment();
                clients.tokens.refused();
                later(50, this::publish);
                break;
            default:
                clients.stats.publishFailures.increment();
                clients.stats.unexpected("publisher " + lane + " to " + cache + "/t" + pendingTopic + ": " + detail);
                later(1_000, this::publish);
        }
    }
}
