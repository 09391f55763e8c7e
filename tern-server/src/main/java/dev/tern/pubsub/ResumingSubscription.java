package dev.tern.pubsub;

import dev.tern.auth.Principal;
import dev.tern.error.TernException;
import dev.tern.topic.Discontinuity;
import dev.tern.topic.StartPosition;
import dev.tern.topic.Subscription;
import dev.tern.topic.SubscriptionEnd;
import dev.tern.topic.SubscriptionEvent;
import dev.tern.topic.SubscriptionListener;
import dev.tern.topic.TopicItem;
import dev.tern.topic.TopicKey;

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

        /** The engine ended the subscription (cache deleted, shutdown); no event follows. */
        void end(SubscriptionEnd reason);

        /** Resubscribing after a pause was refused (e.g. the cache is gone or a limit is reached). */
        void fail(TernException error);
    }

    private final TopicGateway gateway;
    private final Principal principal;
    private final TopicKey topic;
    private final Sink sink;
    /** Where a resubscription starts: right after the last item or discontinuity written. */
    private StartPosition resumeFrom;
    private Subscription current;
    private boolean paused;
    private boolean closed;
    private long pauses;

    private ResumingSubscription(TopicGateway gateway, Principal principal, TopicKey topic, StartPosition from, Sink sink) {
        this.gateway = gateway;
        this.principal = principal;
        this.topic = topic;
        this.resumeFrom = from;
        this.sink = sink;
    }

    /** Subscribes through the gateway; throws its {@link TernException} when the subscription is refused. */
    public static ResumingSubscription open(TopicGateway gateway, Principal principal, TopicKey topic,
                                            StartPosition from, Sink sink) {
        ResumingSubscription subscription = new ResumingSubscription(gateway, principal, topic, from, sink);
        subscription.current = gateway.subscribe(principal, topic, from, subscription);
        return subscription;
    }

    @Override
    public void onEvent(SubscriptionEvent event) {
        if (closed || paused) {
            return;
        }
        if (event instanceof TopicItem item) {
            resumeFrom = new StartPosition(item.sequenceNumber() + 1, item.sequencePage());
        } else if (event instanceof Discontinuity gap) {
            resumeFrom = new StartPosition(gap.newSequence(), gap.newSequencePage());
        }
        sink.write(event);
        if (sink.writeQueueFull()) {
            pause();
        }
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

    /** How many times this subscription was paused for a slow client. */
    public long pauses() {
        return pauses;
    }

    /** The client went away: releases the engine subscription. Idempotent. */
    public void close() {
        closed = true;
        cancelCurrent();
    }

    private void pause() {
        paused = true;
        pauses++;
        cancelCurrent();
        sink.onDrain(this::resume);
    }

    private void resume() {
        if (closed || !paused) {
            return;
        }
        paused = false;
        try {
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
