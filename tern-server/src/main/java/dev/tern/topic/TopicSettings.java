package dev.tern.topic;

import java.time.Duration;

/** Per-topic bounds shared by all topics of an engine. */
public record TopicSettings(int historyMessages, long historyBytes, Duration idleTimeout) {
    public TopicSettings {
        if (historyMessages < 1 || historyBytes < 1) {
            throw new IllegalArgumentException("history must hold at least one message and one byte");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("topic idle timeout must be positive");
        }
    }
}
