package dev.tern.topic;

import java.util.Locale;

/** How a subscriber is connected; a label the engine counts by for introspection, nothing more. */
public enum SubscriberTransport {
    LONG_POLL, SSE, WEBSOCKET, GRPC, OTHER;

    /** The name used in JSON: {@code long_poll}, {@code sse}, {@code websocket}, {@code grpc}, {@code other}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
