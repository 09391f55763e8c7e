package dev.tern.topic;

/**
 * Publishes per second over the last minute, for one topic: 60 one-second buckets, each stamped with its second,
 * so recording is an index, a compare and an increment, with no timer and no allocation. Not thread-safe: the
 * owning topic guards it.
 */
public final class PublishRateWindow {
    public static final int SECONDS = 60;
    private final long[] counts = new long[SECONDS];
    private final long[] stamps = new long[SECONDS];

    public void record(long nowNanos) {
        long second = Math.floorDiv(nowNanos, 1_000_000_000L);
        int slot = (int) Math.floorMod(second, SECONDS);
        if (stamps[slot] != second) {
            stamps[slot] = second;
            counts[slot] = 0;
        }
        counts[slot]++;
    }

    /** Publishes in the last {@value #SECONDS} seconds (the current one included), divided by {@value #SECONDS}. */
    public double perSecond(long nowNanos) {
        return count(nowNanos) / (double) SECONDS;
    }

    /** Publishes in the last {@value #SECONDS} seconds, the current one included. */
    public long count(long nowNanos) {
        long second = Math.floorDiv(nowNanos, 1_000_000_000L);
        long sum = 0;
        for (int i = 0; i < SECONDS; i++) {
            if (second - stamps[i] < SECONDS && counts[i] > 0) {
                sum += counts[i];
            }
        }
        return sum;
    }
}
