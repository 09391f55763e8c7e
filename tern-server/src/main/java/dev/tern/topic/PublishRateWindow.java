package dev.tern.topic;

/**
 * Publishes per second over the last minute, for one topic: 60 one-second buckets in a ring, so recording is an
 * index, a compare and an increment, with no timer. Buckets are cleared as the clock passes them, so only the
 * newest second is remembered, and they are made with the topic's first publish: a topic nobody publishes to (one
 * subscriber per topic, thousands of topics) holds no buckets. Not thread-safe: the owning topic guards it.
 */
public final class PublishRateWindow {
    public static final int SECONDS = 60;
    /** Publishes per second; the bucket of second {@code s} is {@code s mod 60}. Null until the first publish. */
    private int[] counts;
    /** The newest second recorded: buckets after it (in ring order) are stale until the clock reaches them. */
    private long newestSecond;

    public void record(long nowNanos) {
        long second = Math.floorDiv(nowNanos, 1_000_000_000L);
        if (counts == null) {
            counts = new int[SECONDS];
            newestSecond = second;
        } else if (second > newestSecond) {
            // Seconds skipped since the newest one had no publishes: their buckets hold counts a minute old or more.
            for (long s = newestSecond + 1; s <= second && s <= newestSecond + SECONDS; s++) {
                counts[(int) Math.floorMod(s, SECONDS)] = 0;
            }
            newestSecond = second;
        }
        // A clock read a little behind the newest second (another thread read it first) counts in its own bucket.
        if (newestSecond - second < SECONDS) {
            int slot = (int) Math.floorMod(second, SECONDS);
            counts[slot] = counts[slot] == Integer.MAX_VALUE ? Integer.MAX_VALUE : counts[slot] + 1;
        }
    }

    /** Publishes in the last {@value #SECONDS} seconds (the current one included), divided by {@value #SECONDS}. */
    public double perSecond(long nowNanos) {
        return count(nowNanos) / (double) SECONDS;
    }

    /** Publishes in the last {@value #SECONDS} seconds, the current one included. */
    public long count(long nowNanos) {
        if (counts == null) {
            return 0;
        }
        long second = Math.floorDiv(nowNanos, 1_000_000_000L);
        long sum = 0;
        // The window is the seconds (second - 60, second]; only those up to the newest recorded one hold counts.
        for (long s = Math.max(second - SECONDS + 1, newestSecond - SECONDS + 1); s <= Math.min(second, newestSecond); s++) {
            sum += counts[(int) Math.floorMod(s, SECONDS)];
        }
        return sum;
    }
}
