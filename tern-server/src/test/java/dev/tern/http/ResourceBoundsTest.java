package dev.tern.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.CapturedLog;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every node-wide bound: reached, it answers with an error naming it, and what exists keeps working. */
class ResourceBoundsTest {

    @Test
    void topicsUpToTheNodeLimitThenA429NamingItWhileExistingTopicsWork() throws Exception {
        int limit = 4000;
        try (RunningTern tern = RunningTern.start("--max-topics", Integer.toString(limit), "--long-poll-timeout", "200ms")) {
            TernHttp http = new TernHttp(tern);
            String key = tern.superUserKey();
            tern.createCache("many");
            long heapBefore = liveHeap();
            long rssBefore = rss();
            for (int i = 0; i < limit; i++) {
                assertThat(http.publishText("many", "t" + i, key, "m").statusCode()).as("topic " + i).isEqualTo(204);
            }
            long heapAtLimit = liveHeap();
            List<Integer> beyond = new ArrayList<>();
            for (int i = limit; i < limit + 2000; i++) {
                beyond.add(http.publishText("many", "t" + i, key, "m").statusCode());
            }
            long heapBeyond = liveHeap();
            System.out.printf("topics: %d created; live heap %+d KiB at the limit, %+d KiB after 2000 refused; RSS %d -> %d MiB%n",
                    limit, (heapAtLimit - heapBefore) / 1024, (heapBeyond - heapAtLimit) / 1024, rssBefore >> 20, rss() >> 20);

            assertThat(beyond).containsOnly(429);
            HttpResponse<String> refused = http.publishText("many", "new-one", key, "m");
            assertThat(refused.body()).contains("limit of " + limit + " topics (--max-topics)");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(http.longPoll("many", "another-new-one", key, 0, 0).statusCode()).isEqualTo(429);
            assertThat(http.publishText("many", "t7", key, "still works").statusCode()).isEqualTo(204);
            assertThat(TernHttp.items(http.longPoll("many", "t7", key, 2, 0)).get(0).get("item").get("value").get("text").asText())
                    .isEqualTo("still works");
            // Refused topics cost nothing that stays: the heap does not grow with them (4 KiB per refusal would be 8 MiB).
            assertThat(heapBeyond - heapAtLimit).isLessThan(4L << 20);
            // And a topic costs well under the 16 KiB per topic the default bound allows for.
            assertThat((heapAtLimit - heapBefore) / limit).isLessThan(16 * 1024);
        }
    }

    @Test
    void aCachesTopicLimitRefusesNewTopicsOfThatCacheOnly() {
        try (RunningTern tern = RunningTern.start()) {
            TernHttp http = new TernHttp(tern);
            String key = tern.superUserKey();
            tern.createCache("small", "{\"max_topic_count\": 3}");
            tern.createCache("other");
            assertThat(tern.send("GET", "/caches", null, null).body()).contains("\"max_topic_count\":3");
            for (int i = 0; i < 3; i++) {
                assertThat(http.publishText("small", "t" + i, key, "m").statusCode()).isEqualTo(204);
            }
            HttpResponse<String> refused = http.publishText("small", "t3", key, "m");
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.body()).contains("cache small holds its limit of 3 topics (max_topic_count)");
            assertThat(http.publishText("small", "t1", key, "m").statusCode()).isEqualTo(204);
            assertThat(http.publishText("other", "t3", key, "m").statusCode()).isEqualTo(204);
            assertThat(tern.send("PUT", "/caches/bad", "application/json", "{\"max_topic_count\": -1}").statusCode()).isEqualTo(400);
        }
    }

    @Test
    void historyMemoryIsBoundedByDroppingTheIdlestTopicsHistoryFirst() throws Exception {
        try (RunningTern tern = RunningTern.start("--max-history-memory", "64k", "--history-bytes", "1048576")) {
            TernHttp http = new TernHttp(tern);
            String key = tern.superUserKey();
            tern.createCache("big", "{\"max_publish_message_size_kb\": 16}");
            String chunk = "x".repeat(8 * 1024);
            http.publishText("big", "idle", key, chunk);
            Thread.sleep(20); // so "idle" is the idlest by the clock as well as by order
            for (int i = 0; i < 12; i++) {
                assertThat(http.publishText("big", "busy", key, chunk + i).statusCode()).isEqualTo(204);
            }
            assertThat(historyBytes(http)).isLessThanOrEqualTo(64 * 1024);

            List<JsonNode> idle = TernHttp.items(http.longPoll("big", "idle", key, 1, 0));
            assertThat(idle.get(0).has("discontinuity")).as("the idle topic's history was dropped first").isTrue();
            List<JsonNode> busy = TernHttp.items(http.longPoll("big", "busy", key, 12, 0));
            assertThat(busy.get(0).get("item").get("value").get("text").asText()).endsWith("11");
        }
    }

    @Test
    void connectionsBeyondTheLimitAreAnswered503AndClosed() throws Exception {
        try (RunningTern tern = RunningTern.start("--max-connections", "2");
             CapturedLog log = CapturedLog.start()) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Socket socket = new Socket("127.0.0.1", tern.port());
                    held.add(socket);
                    assertThat(get(socket, "/livez")).startsWith("HTTP/1.1 200");
                }
                try (Socket third = new Socket("127.0.0.1", tern.port())) {
                    String answer = get(third, "/livez");
                    assertThat(answer).startsWith("HTTP/1.1 503").contains("limit of 2 connections (--max-connections)");
                }
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                try (Socket again = new Socket("127.0.0.1", tern.port())) {
                    assertThat(get(again, "/livez")).startsWith("HTTP/1.1 200");
                }
            });
            assertThat(log.errorLines()).isEmpty();
        }
    }

    @Test
    void http2ConnectionsAreOfferedTheStreamLimit() throws Exception {
        try (RunningTern tern = RunningTern.start("--max-streams-per-connection", "7");
             Socket socket = new Socket("127.0.0.1", tern.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[]{0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
            int type = in.readUnsignedByte();
            in.readUnsignedByte();
            in.readInt();
            assertThat(type).as("the server's first frame is SETTINGS").isEqualTo(4);
            Integer maxStreams = null;
            for (int read = 0; read < length; read += 6) {
                int id = in.readUnsignedShort();
                int value = in.readInt();
                if (id == 3) {
                    maxStreams = value;
                }
            }
            assertThat(maxStreams).isEqualTo(7);
        }
    }

    @Test
    void oversizedRequestHeadsGetTheirNamedStatusWithoutAnErrorLine() throws Exception {
        try (RunningTern tern = RunningTern.start(); CapturedLog log = CapturedLog.start()) {
            try (Socket socket = new Socket("127.0.0.1", tern.port())) {
                assertThat(request(socket, "GET /livez HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n"))
                        .startsWith("HTTP/1.1 431");
            }
            try (Socket socket = new Socket("127.0.0.1", tern.port())) {
                assertThat(request(socket, "GET /livez?" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n"))
                        .matches("(?s)HTTP/1.[01] 414.*");
            }
            assertThat(log.errorLines()).isEmpty();
        }
    }

    @Test
    void aWebSocketFrameOverTheLimitClosesWith1009() throws Exception {
        try (RunningTern tern = RunningTern.start(); CapturedLog log = CapturedLog.start();
             Socket socket = new Socket("127.0.0.1", tern.port())) {
            tern.createCache("ws");
            String handshake = request(socket, "GET /topics/ws/t HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Authorization: " + tern.superUserKey() + "\r\n\r\n");
            assertThat(handshake).startsWith("HTTP/1.1 101");
            // A masked text frame whose header declares one byte more than the limit.
            long length = dev.tern.http.stream.WebSocketRoute.MAX_MESSAGE_BYTES + 1L;
            java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(14 + 1024);
            frame.put((byte) 0x81).put((byte) (0x80 | 127)).putLong(length).putInt(0x01020304).put(new byte[1024]);
            socket.getOutputStream().write(frame.array());
            socket.getOutputStream().flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int closeCode = -1;
            for (int frames = 0; frames < 10 && closeCode < 0; frames++) {
                int opcode = in.readUnsignedByte() & 0x0F;
                int size = in.readUnsignedByte() & 0x7F;
                if (size == 126) {
                    size = in.readUnsignedShort();
                }
                byte[] payload = in.readNBytes(size);
                if (opcode == 8) {
                    closeCode = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
                }
            }
            assertThat(closeCode).isEqualTo(1009);
            assertThat(log.errorLines()).isEmpty();
        }
    }

    private static String get(Socket socket, String path) throws IOException {
        return request(socket, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    /** Sends a raw request and reads the status line, headers and (short) body of the answer. */
    private static String request(Socket socket, String raw) throws IOException {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        StringBuilder answer = new StringBuilder();
        int contentLength = 0;
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            answer.append(line).append('\n');
            if (line.toLowerCase().startsWith("content-length:")) {
                contentLength = Integer.parseInt(line.substring(15).trim());
            }
        }
        char[] body = new char[contentLength];
        int read = 0;
        while (read < contentLength) {
            int n = in.read(body, read, contentLength - read);
            if (n < 0) {
                break;
            }
            read += n;
        }
        return answer.append('\n').append(body, 0, read).toString();
    }

    private static long historyBytes(TernHttp http) {
        return http.send(http.request("/metrics").GET().build()).body().lines()
                .filter(l -> l.startsWith("tern_history_bytes "))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static long liveHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rss() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024).findFirst().orElse(0);
    }
}
