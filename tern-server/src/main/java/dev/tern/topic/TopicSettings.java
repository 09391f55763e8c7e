package dev.tern.topic;

import java.time.Duration;

/**
 * Bounds shared by all topics of an engine.
 *
 * @param historyMessages   messages kept per topic for resume
 * @param historyBytes      bytes kept per topic for resume (the newest message is always kept)
 * @param idleTimeout       a topic with no subscribers and no publishes for this long is forgotten
 * @param maxHistoryMemory  bytes of history across all topics; past it the idlest topics' history is dropped first
 */
public record TopicSettings(int historyMessages, long historyBytes, Duration idleTimeout, long maxHistoryMemory) {
    public TopicSettings {
        if (historyMessages < 1 || historyBytes < 1) {
            throw new IllegalArgumentException("history must hold at least one message and one byte");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("topic idle timeout must be positive");
        }
        if (maxHistoryMemory < 1) {
            throw new IllegalArgumentException("the history memory bound must be at least one byte");
        }
    }

    /** Settings without a history memory bound beyond the heap itself (tests of other behaviour). */
    public TopicSettings(int historyMessages, long historyBytes, Duration idleTimeout) {
        this(historyMessages, historyBytes, idleTimeout, Long.MAX_VALUE);
    }
}
