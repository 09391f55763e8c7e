package dev.tern.topic;

/**
 * Where a subscription starts. {@code sequenceNumber} is the next message the client wants (clients that send the
 * last one they saw receive that one again rather than lose one); 0 means live only. {@code sequencePage} 0 means
 * "the topic's current page".
 */
public record StartPosition(long sequenceNumber, long sequencePage) {
    public static final StartPosition LIVE = new StartPosition(0, 0);
    /**
     * A start no topic reaches. The engine answers it at once with a discontinuity that says where the topic stands
     * (its page and next sequence number) and then delivers live messages, so the caller learns its position with no
     * race against publishers. {@link #answersProbe} tells that answer from a real loss.
     */
    public static final StartPosition PROBE = new StartPosition(Long.MAX_VALUE - 1, 0);

    public StartPosition {
        if (sequenceNumber < 0 || sequencePage < 0) {
            throw new IllegalArgumentException("sequence number and page must not be negative");
        }
    }

    public boolean isLiveOnly() {
        return sequenceNumber == 0;
    }

    /** True when {@code gap} is the engine's answer to a subscription that started at {@link #PROBE}. */
    public static boolean answersProbe(Discontinuity gap) {
        return gap.lastSequence() == PROBE.sequenceNumber() - 1;
    }
}
