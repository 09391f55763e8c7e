package dev.tern.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a latency tail comes from, over time: for each subscriber connection, the longest publish-to-receive latency
 * of the messages sent in each second since publishing began (warm-up included). A start-up backlog, one slow
 * connection, one event loop or a pause of everything each leave a different shape. Written with
 * {@code --latency-trace}; the cost while measuring is one array update per delivery.
 */
final class LatencyTrace {
    private static final int SECONDS = 180;

    private final List<Row> rows = Collections.synchronizedList(new ArrayList<>());
    private volatile long publishingStart;
    private volatile long windowStart;

    /** One subscriber's record; only its connection's event loop writes to it. */
    Row row() {
        Row row = new Row();
        rows.add(row);
        return row;
    }

    void publishingStarted() {
        publishingStart = BenchClock.nanos();
    }

    void windowStarted(long nanos) {
        windowStart = nanos;
    }

    /**
     * One line per connection: an id, the event loop that read it, its subscribers, then per second since publishing
     * began the longest latency in milliseconds among them (0: nothing sent that second arrived).
     */
    void write(Path file) {
        Map<Integer, List<Row>> byConnection = new LinkedHashMap<>();
        synchronized (rows) {
            for (Row row : rows) {
                byConnection.computeIfAbsent(row.connection, c -> new ArrayList<>()).add(row);
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("# the measurement window starts at second " + (windowStart - publishingStart) / 1e9
                + "; columns: connection, event loop, subscribers, longest latency (ms) of the messages sent in each"
                + " second since publishing began");
        for (Map.Entry<Integer, List<Row>> entry : byConnection.entrySet()) {
            List<Row> mine = entry.getValue();
            int[] longest = new int[SECONDS];
            int seconds = 0;
            for (Row row : mine) {
                for (int s = 0; s < SECONDS; s++) {
                    longest[s] = Math.max(longest[s], row.longestMillis[s]);
                    if (row.longestMillis[s] > 0) {
                        seconds = Math.max(seconds, s + 1);
                    }
                }
            }
            StringBuilder line = new StringBuilder().append(entry.getKey()).append(' ').append(mine.get(0).loop)
                    .append(' ').append(mine.size());
            for (int s = 0; s < seconds; s++) {
                line.append(' ').append(longest[s]);
            }
            lines.add(line.toString());
        }
        try {
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    final class Row {
        private final int[] longestMillis = new int[SECONDS];
        private int connection;
        private String loop = "-";

        /** A message sent at {@code sentNanos} arrived at {@code receivedNanos} on {@code connection}. */
        void record(long sentNanos, long receivedNanos, Object connection) {
            long since = sentNanos - publishingStart;
            if (publishingStart == 0 || since < 0) {
                return;
            }
            if (loop.equals("-")) {
                loop = Thread.currentThread().getName();
                this.connection = System.identityHashCode(connection);
            }
            int second = (int) Math.min(SECONDS - 1, since / 1_000_000_000L);
            int millis = (int) Math.min(Integer.MAX_VALUE, (receivedNanos - sentNanos) / 1_000_000);
            if (millis > longestMillis[second]) {
                longestMillis[second] = millis;
            }
        }
    }
}
