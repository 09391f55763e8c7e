package dev.tern.pubsub;

import io.vertx.core.streams.WriteStream;

/**
 * The write side of one subscriber's connection as backpressure sees it: is its queue full, and tell me when it
 * has drained. Adapts Vert.x write streams (HTTP responses, WebSockets, gRPC responses) and anything else with a
 * readiness signal.
 */
public interface SubscriberOutlet {

    /** True when nothing more should be written until the queue drains. */
    boolean isFull();

    /** Calls {@code onDrained} once, on the connection's context, when the queue has room again. */
    void whenDrained(Runnable onDrained);

    static SubscriberOutlet of(WriteStream<?> stream) {
        return new SubscriberOutlet() {
            @Override
            public boolean isFull() {
                return stream.writeQueueFull();
            }

            @Override
            public void whenDrained(Runnable onDrained) {
                stream.drainHandler(v -> {
                    stream.drainHandler(null);
                    onDrained.run();
                });
            }
        };
    }
}
