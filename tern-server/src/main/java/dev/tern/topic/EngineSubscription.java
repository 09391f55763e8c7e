package dev.tern.topic;

import java.util.concurrent.atomic.LongAdder;

/**
 * The lifecycle every engine's subscription follows, in one place: it is active until it is cancelled or ended,
 * whichever comes first, and that happens once: it stops counting as a subscriber and leaves its topic; only an end
 * is told to the listener. An engine supplies how a subscription leaves its topic.
 */
public abstract class EngineSubscription implements Subscription {
    protected final SubscriptionListener listener;
    private final SubscriberTransport transport;
    private final LongAdder subscribers;
    /** Read by the engine's threads too (the Redis engine attaches subscriptions on its own context). */
    private volatile boolean active = true;

    /** Counts itself in {@code subscribers} until it ends or is cancelled. */
    protected EngineSubscription(SubscriptionListener listener, LongAdder subscribers) {
        this.listener = listener;
        this.transport = listener.transport();
        this.subscribers = subscribers;
        subscribers.increment();
    }

    public final SubscriberTransport transport() {
        return transport;
    }

    /** False once cancelled or ended: nothing more reaches the listener. */
    public final boolean isActive() {
        return active;
    }

    /** Ends the subscription: the listener hears why, unless it was cancelled or ended before. */
    public final void end(SubscriptionEnd reason) {
        if (active) {
            leave();
            listener.onEnd(reason);
        }
    }

    @Override
    public final void cancel() {
        if (active) {
            leave();
        }
    }

    private void leave() {
        active = false;
        subscribers.decrement();
        leaveTopic();
    }

    /** Takes the subscription out of its topic, so that no more messages are passed to it. */
    protected abstract void leaveTopic();
}
