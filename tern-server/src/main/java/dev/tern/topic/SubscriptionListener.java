package dev.tern.topic;

/** Receives a subscription's events, always on the Vert.x context that subscribed. */
public interface SubscriptionListener {
    void onEvent(SubscriptionEvent event);

    /** The engine ended the subscription; no event follows. Not called after {@link Subscription#cancel()}. */
    void onEnd(SubscriptionEnd reason);

    /** How the subscriber is connected, for introspection. */
    default SubscriberTransport transport() {
        return SubscriberTransport.OTHER;
    }
}
