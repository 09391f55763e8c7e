package dev.tern.pubsub;

import dev.tern.auth.Principal;
import dev.tern.error.TernException;
import dev.tern.metrics.TernMetrics;
import dev.tern.topic.Discontinuity;
import dev.tern.topic.StartPosition;
import dev.tern.topic.SubscriberTransport;
import dev.tern.topic.Subscription;
import dev.tern.topic.SubscriptionEnd;
import dev.tern.topic.SubscriptionEvent;
import dev.tern.topic.SubscriptionListener;
import dev.tern.topic.TopicItem;
import dev.tern.topic.TopicKey;
import io.vertx.core.streams.WriteStream;

/**
 * The slow-subscriber policy shared by every streaming transport (gRPC, SSE, WebSocket). Nothing is buffered for
 * a client beyond its connection's write queue: when that queue is full the engine subscription is cancelled, and
 * when it drains a fresh subscription starts right after the last event delivered. The engine then replays from
 * history, or, when history no longer reaches back that far, starts with a discontinuity. So a slow client loses
 * messages only visibly, and never holds memory or slows a publisher.
 *
 * <p>Use on the Vert.x context that subscribed; every callback of the {@link Sink} runs there.
 */
public final class ResumingSubscription implements SubscriptionListener {

    /** A transport's stream to one client. */
    public interface Sink {
        /** Writes one event to the client. */
        void write(SubscriptionEvent event);

        /** True when the client is not keeping up and nothing more should be written for now. */
        boolean writeQueueFull();

        /** Runs {@code drained} once, when the write queue has room again. */
        void onDrain(Runnable drained);

        /** {@link #onDrain} for a Vert.x write stream (HTTP response, gRPC response). */
        static void drainOnce(WriteStream<?> stream, Runnable drained) {
            stream.drainHandler(v -> {
                stream.drainHandler(null);
                drained.run();
            });
        }

        /** The engine ended the subscription (cache deleted, shutdown); no event follows. */
        void end(SubscriptionEnd reason);

        /** Resubscribing after a pause was refused (e.g. the cache is gone or a limit is reached). */
        void fail(TernException error);

        /** How the client is connected, for introspection. */
        SubscriberTransport transport();
    }

    private final TopicGateway gateway;
    private final Principal principal;
    private final TopicKey topic;
    private final Sink sink;
    private final TernMetrics metrics;
    /** Where the subscription started; a resubscription starts there until an event was written. */
    private final StartPosition from;
    /** After an event was written: the sequence number and page a resubscription starts at; -1 before. */
    private long resumeSequence = -1;
    private long resumePage;
    private Subscription current;
    private boolean paused;
    private boolean closed;

    private ResumingSubscription(TopicGateway gateway, Principal principal, TopicKey topic, StartPosition from, Sink sink,
                                 TernMetrics metrics) {
        this.gateway = gateway;
        this.principal = principal;
        this.topic = topic;
        this.from = from;
        this.sink = sink;
        this.metrics = metrics;
    }

    /**
     * Subscribes through the gateway; throws its {@link TernException} when the subscription is refused. Each time
     * the client falls behind it counts in {@code tern_subscriber_lags_total}.
     */
    public static ResumingSubscription open(TopicGateway gateway, Principal principal, TopicKey topic,
                                            StartPosition from, Sink sink, TernMetrics metrics) {
        ResumingSubscription subscription = new ResumingSubscription(gateway, principal, topic, from, sink, metrics);
        subscription.current = gateway.subscribe(principal, topic, from, subscription);
        return subscription;
    }

    @Override
    public void onEvent(SubscriptionEvent event) {
        if (closed || paused) {
            return;
        }
        if (event instanceof TopicItem item) {
            resumeSequence = item.sequenceNumber() + 1;
            resumePage = item.sequencePage();
        } else if (event instanceof Discontinuity gap) {
            resumeSequence = gap.newSequence();
            resumePage = gap.newSequencePage();
        }
        sink.write(event);
        if (sink.writeQueueFull()) {
            pause();
        }
    }

    @Override
    public SubscriberTransport transport() {
        return sink.transport();
    }

    @Override
    public void onEnd(SubscriptionEnd reason) {
        current = null;
        if (!closed) {
            closed = true;
            sink.end(reason);
        }
    }

    /** True while the client's write queue is full; transports skip heartbeats then. */
    public boolean isPaused() {
        return paused;
    }


    /** The client went away: releases the engine subscription. Idempotent. */
    public void close() {
        closed = true;
        cancelCurrent();
    }

    private void pause() {
        paused = true;
        metrics.recordSubscriberLag();
        cancelCurrent();
        sink.onDrain(this::resume);
    }

    private void resume() {
        if (closed || !paused) {
            return;
        }
        paused = false;
        try {
            StartPosition resumeFrom = resumeSequence < 0 ? from : new StartPosition(resumeSequence, resumePage);
            current = gateway.subscribe(principal, topic, resumeFrom, this);
        } catch (TernException e) {
            closed = true;
            sink.fail(e);
        }
    }

    private void cancelCurrent() {
        if (current != null) {
            current.cancel();
            current = null;
        }
    }
}
