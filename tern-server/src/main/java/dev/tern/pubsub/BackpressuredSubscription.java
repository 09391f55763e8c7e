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
 * The slow-subscriber policy of every streaming transport (design.md, "Hot path and fan-out"): a subscriber whose
 * connection cannot keep up never blocks the publisher or other subscribers, and never grows memory without bound.
 * <p>
 * After each event is handed to the transport, the connection's write queue is checked. When it is full, the
 * subscription is cancelled, so nothing more is queued for this subscriber (its backlog is at most the queue plus
 * one frame). When the queue drains, it subscribes again from the position after the last event it delivered;
 * the engine replays what history still holds, and sends a discontinuity first if messages were lost meanwhile.
 * The subscriber therefore never loses anything silently.
 * <p>
 * Everything happens on the connection's Vert.x context: create it, and cancel it, there.
 */
public final class BackpressuredSubscription implements Subscription {

    /** The transport side: writes events and learns how the subscription ended. */
    public interface Listener extends SubscriptionListener {
        /**
         * Subscribing again after a lag failed (the cache was deleted, the subscription limit was reached meanwhile,
         * ...). The subscription is over; no event follows.
         */
        void onResumeFailed(TernException error);
    }

    private final TopicGateway gateway;
    private final Principal principal;
    private final TopicKey topic;
    private final SubscriberOutlet outlet;
    private final Listener listener;
    private final Runnable onLag;
    /** Where to start again after a lag: the next sequence number wanted, on this page (0 = unknown). */
    private long nextSequence;
    private long nextPage;
    private Attempt current;
    private boolean over;

    private BackpressuredSubscription(TopicGateway gateway, Principal principal, TopicKey topic, StartPosition from,
                                      SubscriberOutlet outlet, Listener listener, Runnable onLag) {
        this.gateway = gateway;
        this.principal = principal;
        this.topic = topic;
        this.outlet = outlet;
        this.listener = listener;
        this.onLag = onLag;
        this.nextSequence = from.sequenceNumber();
        this.nextPage = from.sequencePage();
    }

    /**
     * Subscribes through the gateway, so every check (authorization, cache, limits) applies; throws its
     * {@link TernException} when the first subscription is refused.
     *
     * @param onLag called each time the subscriber falls behind (for metrics)
     */
    public static BackpressuredSubscription subscribe(TopicGateway gateway, Principal principal, TopicKey topic,
                                                      StartPosition from, SubscriberOutlet outlet, Listener listener,
                                                      Runnable onLag) {
        BackpressuredSubscription subscription =
                new BackpressuredSubscription(gateway, principal, topic, from, outlet, listener, onLag);
        subscription.attempt(from);
        return subscription;
    }

    /** True while the subscriber is behind and waiting for its connection to drain. */
    public boolean isLagging() {
        return current == null && !over;
    }

    @Override
    public void cancel() {
        over = true;
        if (current != null) {
            current.cancel();
            current = null;
        }
    }

    /** Makes the attempt current before subscribing, so that an engine delivering at once is heard too. */
    private void attempt(StartPosition from) {
        Attempt attempt = new Attempt();
        current = attempt;
        try {
            Subscription subscription = gateway.subscribe(principal, topic, from, attempt);
            attempt.started(subscription);
        } catch (RuntimeException e) {
            current = null;
            throw e;
        }
    }

    private void deliver(Attempt attempt, SubscriptionEvent event) {
        if (event instanceof TopicItem item) {
            nextSequence = item.sequenceNumber() + 1;
            nextPage = item.sequencePage();
        } else if (event instanceof Discontinuity gap) {
            nextSequence = gap.newSequence();
            nextPage = gap.newSequencePage();
        }
        listener.onEvent(event);
        if (current == attempt && outlet.isFull()) {
            fallBehind(attempt);
        }
    }

    private void fallBehind(Attempt attempt) {
        attempt.cancel();
        current = null;
        onLag.run();
        outlet.whenDrained(this::resume);
    }

    private void resume() {
        if (over || current != null) {
            return;
        }
        try {
            attempt(new StartPosition(nextSequence, nextPage));
        } catch (TernException e) {
            over = true;
            listener.onResumeFailed(e);
        }
    }

    /** One subscription to the engine; events of an attempt that was given up are ignored. */
    private final class Attempt implements SubscriptionListener {
        private Subscription subscription;
        private boolean cancelled;

        void started(Subscription started) {
            subscription = started;
            if (cancelled) {
                started.cancel();
            }
        }

        void cancel() {
            cancelled = true;
            if (subscription != null) {
                subscription.cancel();
            }
        }

        @Override
        public void onEvent(SubscriptionEvent event) {
            if (current == this && !over) {
                deliver(this, event);
            }
        }

        @Override
        public void onEnd(SubscriptionEnd reason) {
            if (current == this && !over) {
                over = true;
                current = null;
                listener.onEnd(reason);
            }
        }
    }
}
