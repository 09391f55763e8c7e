package dev.tern.http.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.testing.RunningTern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backpressure: a subscriber that stops reading is cut off once its connection's queue is full, so publishers and
 * other subscribers go on at full speed and the server holds a bounded backlog for it; when it reads again it gets
 * a discontinuity and resumes from history.
 */
class SlowSubscriberTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MESSAGES = 5000;
    private static final int MESSAGE_BYTES = 4000;
    private static final int HISTORY = 200;
    private static final int BATCH = 250;

    private RunningTern tern;

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    @Test
    void aStalledSubscriberNeitherSlowsOthersNorQueuesWithoutBound() throws Exception {
        tern = RunningTern.start("--history-messages", Integer.toString(HISTORY), "--history-bytes", "10000000");
        tern.createCache("c");
        long publishedBytes = (long) MESSAGES * MESSAGE_BYTES;

        try (StalledSubscriber stalled = StalledSubscriber.open(tern, "/topics/c/t?token=" + tern.superUserKey());
             SseTestClient healthy = SseTestClient.subscribe(tern, "/topics/c/t?token=" + tern.superUserKey())) {
            long started = System.nanoTime();
            // The healthy subscriber gets everything, in order, without a gap, while the other one reads nothing.
            String[] page = {null};
            int[] received = {0};
            publishInBatches(last -> {
                while (received[0] < last) {
                    SseParser.Event event = healthy.next();
                    assertThat(event.type()).isEqualTo("text");
                    String[] id = event.lastEventId().split(":");
                    page[0] = id[0];
                    assertThat(Long.parseLong(id[1])).isEqualTo(++received[0]);
                }
            });
            long deliveredMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(lagCount()).as("the stalled subscriber was cut off").isPositive();

            // Now it reads: what was queued for it, then a discontinuity, then the rest from history and live.
            SseRead read = stalled.readUntilSequence(MESSAGES, Duration.ofSeconds(30));
            System.out.printf("slow subscriber: published %d x %d bytes, healthy subscriber had all after %d ms;"
                            + " stalled one got %d items (%d bytes) before its discontinuity, then resumed at %d%n",
                    MESSAGES, MESSAGE_BYTES, deliveredMillis, read.itemsBeforeGap, read.bytesBeforeGap,
                    read.resumedAt);
            assertThat(read.gap).as("the stalled subscriber learns it missed messages").isNotNull();
            assertThat(read.gap.get("last_topic_sequence").asLong()).isEqualTo(read.itemsBeforeGap);
            assertThat(read.gap.get("new_sequence_page").asText()).isEqualTo(page[0]);
            assertThat(read.resumedAt).isEqualTo(read.gap.get("new_topic_sequence").asLong());
            assertThat(read.resumedAt).as("resumed from history").isGreaterThan(MESSAGES - HISTORY).isLessThanOrEqualTo(MESSAGES);
            assertThat(read.contiguousAfterGap).as("contiguous after the gap up to the last message").isTrue();
            assertThat(read.bytesBeforeGap).as("what the server queued for it is bounded (socket buffers + write queue)")
                    .isLessThan(publishedBytes / 3);
        }
    }

    @Test
    void aStalledWebSocketIsCutOffAndResumesWithADiscontinuity() throws Exception {
        tern = RunningTern.start("--history-messages", Integer.toString(HISTORY), "--history-bytes", "10000000");
        tern.createCache("c");
        WebSocketTestClient stalled = WebSocketTestClient.connectStalled(tern, "/topics/c/t?token=" + tern.superUserKey());
        try (stalled; SseTestClient healthy = SseTestClient.subscribe(tern, "/topics/c/t?token=" + tern.superUserKey())) {
            long started = System.nanoTime();
            int[] received = {0};
            publishInBatches(last -> {
                while (received[0] < last) {
                    assertThat(healthy.next().lastEventId()).endsWith(":" + ++received[0]);
                }
            });
            long deliveredMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(lagCount()).as("the stalled socket was cut off").isPositive();

            stalled.startReading();
            assertThat(stalled.next().has("heartbeat")).isTrue();
            long itemsBeforeGap = 0;
            JsonNode frame = stalled.nextIgnoringHeartbeats();
            while (frame.has("item")) {
                assertThat(frame.get("item").get("topic_sequence_number").asLong()).isEqualTo(++itemsBeforeGap);
                frame = stalled.nextIgnoringHeartbeats();
            }
            JsonNode gap = frame.get("discontinuity");
            assertThat(gap).as(frame.toString()).isNotNull();
            assertThat(gap.get("last_topic_sequence").asLong()).isEqualTo(itemsBeforeGap);
            long next = gap.get("new_topic_sequence").asLong();
            assertThat(next).isGreaterThan(MESSAGES - HISTORY);
            for (long expected = next; expected <= MESSAGES; expected++) {
                assertThat(stalled.nextIgnoringHeartbeats().get("item").get("topic_sequence_number").asLong()).isEqualTo(expected);
            }
            System.out.printf("slow WebSocket: healthy subscriber had all %d after %d ms; stalled socket got %d items"
                    + " before its discontinuity, then resumed at %d%n", MESSAGES, deliveredMillis, itemsBeforeGap, next);
            // Had the server queued everything for it, it would have received all messages without a gap. What it did
            // get before the gap sat in socket buffers (the JDK client's receive buffer is not small).
            assertThat(itemsBeforeGap).as("the server dropped its backlog").isLessThan(MESSAGES - HISTORY);
        }
    }

    /** Reads the healthy subscriber up to a topic sequence number. */
    private interface HealthyReader {
        void readUpTo(int sequence) throws Exception;
    }

    /**
     * Publishes {@link #MESSAGES} four at a time, in batches of {@link #BATCH}; after each batch the healthy
     * subscriber reads it. So a healthy reader slowed by a busy machine is never more than a batch (1 MB) behind,
     * well under what its connection may hold (the stalled one held about 3.8 MB before it was cut off), while the
     * stalled subscriber, which reads nothing, falls 20 MB behind.
     */
    private void publishInBatches(HealthyReader healthy) throws Exception {
        String body = "x".repeat(MESSAGE_BYTES);
        ExecutorService publishers = Executors.newFixedThreadPool(4);
        try {
            for (int batchEnd = BATCH; batchEnd <= MESSAGES; batchEnd += BATCH) {
                List<Future<Integer>> results = new ArrayList<>();
                for (int i = 0; i < BATCH; i++) {
                    results.add(publishers.submit(() -> tern.send("POST", "/topics/c/t", "text/plain", body).statusCode()));
                }
                for (Future<Integer> result : results) {
                    assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(204);
                }
                healthy.readUpTo(batchEnd);
            }
        } finally {
            publishers.shutdownNow();
        }
    }

    private long lagCount() {
        HttpResponse<String> metrics = tern.send("GET", "/metrics", null, null);
        return metrics.body().lines()
                .filter(line -> line.startsWith("tern_subscriber_lags_total"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no tern_subscriber_lags_total in /metrics"));
    }

    /** What the stalled subscriber read once it read again. */
    private static final class SseRead {
        long itemsBeforeGap;
        long bytesBeforeGap;
        JsonNode gap;
        long resumedAt;
        boolean contiguousAfterGap = true;
    }

    /** An SSE subscriber on a raw socket with a tiny receive buffer, which reads nothing until told to. */
    private static final class StalledSubscriber implements AutoCloseable {
        private final Socket socket;

        private StalledSubscriber(Socket socket) {
            this.socket = socket;
        }

        static StalledSubscriber open(RunningTern tern, String pathAndQuery) throws IOException {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", tern.port()), 5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Read the status line and headers only, byte by byte, then stop reading.
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed before headers: " + head);
                }
                head.append((char) b);
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 200");
            return new StalledSubscriber(socket);
        }

        /** Reads (chunked framing ignored: chunk-size lines are not SSE fields we look at) until the given item. */
        SseRead readUntilSequence(long last, Duration timeout) throws IOException {
            socket.setSoTimeout((int) timeout.toMillis());
            SseRead read = new SseRead();
            long[] expected = {0};
            long[] bytes = {0};
            boolean[] done = {false};
            InputStream counting = new InputStream() {
                private final InputStream in = socket.getInputStream();

                @Override
                public int read() throws IOException {
                    if (done[0]) {
                        return -1;
                    }
                    int b = in.read();
                    if (b >= 0) {
                        bytes[0]++;
                    }
                    return b;
                }
            };
            new SseParser(new SseParser.Handler() {
                @Override
                public void onEvent(SseParser.Event event) {
                    if (event.type().equals("discontinuity")) {
                        if (read.gap == null) {
                            try {
                                read.gap = JSON.readTree(event.data());
                            } catch (IOException e) {
                                throw new IllegalStateException(e);
                            }
                            read.bytesBeforeGap = bytes[0];
                        }
                        expected[0] = read.gap.get("new_topic_sequence").asLong();
                        return;
                    }
                    long sequence = Long.parseLong(event.lastEventId().split(":")[1]);
                    if (read.gap == null) {
                        read.itemsBeforeGap++;
                        assertThat(sequence).isEqualTo(read.itemsBeforeGap);
                    } else {
                        if (read.resumedAt == 0) {
                            read.resumedAt = sequence;
                        }
                        read.contiguousAfterGap &= sequence == expected[0];
                        expected[0] = sequence + 1;
                    }
                    if (sequence == last) {
                        done[0] = true;
                    }
                }

                @Override
                public void onComment(String comment) {
                }

                @Override
                public void onRetry(long millis) {
                }
            }).readAll(counting);
            return read;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
