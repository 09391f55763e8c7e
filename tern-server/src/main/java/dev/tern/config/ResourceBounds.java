package dev.tern.config;

/**
 * The node-wide bounds on what clients can make the server hold; each has a default sized from the machine, so
 * that no client can grow the server until it runs out of memory.
 *
 * @param maxTopics                topics held at once (a publish or subscribe that would create one more: 429)
 * @param maxHistoryMemory         bytes of message history across all topics; past it the idlest topics' history
 *                                 is dropped first
 * @param maxConnections           open client connections; one more is answered 503 and closed
 * @param maxStreamsPerConnection  concurrent HTTP/2 streams (gRPC calls) one connection may open
 */
public record ResourceBounds(long maxTopics, long maxHistoryMemory, int maxConnections, int maxStreamsPerConnection) {

    /** Bytes the heap allows for each topic by default: an empty topic costs well under 1 KiB. */
    static final long HEAP_BYTES_PER_TOPIC = 16 * 1024;

    public ResourceBounds {
        if (maxTopics < 1 || maxHistoryMemory < 1 || maxConnections < 1 || maxStreamsPerConnection < 1) {
            throw new IllegalArgumentException(
                    "--max-topics, --max-history-memory, --max-connections and --max-streams-per-connection must be at least 1");
        }
    }

    /** --max-topics by default: one per 16 KiB of the maximum heap (about 65,000 per GiB). */
    public static long defaultMaxTopics(long maxHeapBytes) {
        return Math.max(1000, maxHeapBytes / HEAP_BYTES_PER_TOPIC);
    }

    /** --max-history-memory by default: a quarter of the maximum heap. */
    public static long defaultMaxHistoryMemory(long maxHeapBytes) {
        return Math.max(1 << 20, maxHeapBytes / 4);
    }
}
