package dev.tern.topic;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Issues sequence pages: microseconds since the epoch, strictly increasing within the process. A topic that is
 * created again (after eviction, a restart or on another node) therefore gets a page greater than any earlier one,
 * as long as clocks do not run backwards; values stay below 2^53 so JavaScript clients read them exactly.
 */
public final class SequencePages {
    private final AtomicLong last = new AtomicLong();

    public long next() {
        long now = System.currentTimeMillis() * 1000;
        return last.updateAndGet(previous -> Math.max(previous + 1, now));
    }
}
