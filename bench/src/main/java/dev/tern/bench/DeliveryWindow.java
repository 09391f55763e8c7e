package dev.tern.bench;

import io.vertx.core.Vertx;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * End-to-end flow control for publishing as fast as possible to topics with subscribers: publishers wait while any
 * subscriber is more than {@code window} messages behind what its topic has published. Without it, a server that
 * answers publishes faster than the load generator's subscribers can read (they share the machine) measures the
 * generator, and the server's slow-subscriber policy turns the backlog into discontinuities; with it, the rate is
 * what the whole system sustains with every message delivered. A server that never gets that far ahead is never held.
 */
final class DeliveryWindow implements AutoCloseable {
    private static final long CHECK_EVERY_MILLIS = 5;

    private final Vertx vertx;
    private final SubscriberFleet fleet;
    private final AtomicLongArray publishedByTopic;
    private final long window;
    private final long timer;
    private volatile boolean open = true;
    private long checks;
    private long closedChecks;

    DeliveryWindow(Vertx vertx, SubscriberFleet fleet, AtomicLongArray publishedByTopic, long window) {
        this.vertx = vertx;
        this.fleet = fleet;
        this.publishedByTopic = publishedByTopic;
        this.window = window;
        this.timer = vertx.setPeriodic(CHECK_EVERY_MILLIS, id -> check());
    }

    /** False while publishers should wait. */
    boolean isOpen() {
        return open;
    }

    /** The share of checks that found the window closed: how much of the time publishers were held back. */
    synchronized double heldFraction() {
        return checks == 0 ? 0 : (double) closedChecks / checks;
    }

    private synchronized void check() {
        long maxLag = 0;
        for (SseSubscriber subscriber : fleet.subscribers) {
            if (!subscriber.ended) {
                maxLag = Math.max(maxLag, publishedByTopic.get(subscriber.topic) - subscriber.received());
            }
        }
        open = maxLag < window;
        checks++;
        if (!open) {
            closedChecks++;
        }
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
        open = true;
    }
}
