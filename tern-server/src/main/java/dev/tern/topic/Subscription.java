package dev.tern.topic;

/** A live subscription; cancel it when the client goes away. */
public interface Subscription {
    /** Stops delivery. Idempotent; call it on the subscribing context. */
    void cancel();
}
