package dev.tern.topic;

/**
 * Where a subscription starts. {@code sequenceNumber} is the next message the client wants (clients that send the
 * last one they saw receive that one again rather than lose one); 0 means live only. {@code sequencePage} 0 means
 * "the topic's current page".
 */
public record StartPosition(long sequenceNumber, long sequencePage) {
    public static final StartPosition LIVE = new StartPosition(0, 0);

    public StartPosition {
        if (sequenceNumber < 0 || sequencePage < 0) {
            throw new IllegalArgumentException("sequence number and page must not be negative");
        }
    }

    public boolean isLiveOnly() {
        return sequenceNumber == 0;
    }
}
