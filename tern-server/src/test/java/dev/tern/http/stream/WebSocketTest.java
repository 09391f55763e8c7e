package dev.tern.http.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The topic WebSocket: frames in the long-poll item shape, publishing over the socket, errors, close codes. */
class WebSocketTest {
    private RunningTern tern;

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    private String key() {
        return "token=" + tern.superUserKey();
    }

    private void publishText(String topicPath, String text) {
        assertThat(tern.send("POST", "/topics/" + topicPath, "text/plain", text).statusCode()).isEqualTo(204);
    }

    @Test
    void framesCarryEventsInTheLongPollItemShapeInOrder() {
        tern = RunningTern.start();
        tern.createCache("c");
        try (WebSocketTestClient socket = WebSocketTestClient.connect(tern, "/topics/c/t?" + key())) {
            assertThat(socket.next().has("heartbeat")).as("the first frame says the subscription is live").isTrue();
            publishText("c/t", "one\ntwo");
            assertThat(tern.send("POST", "/topics/c/t", "application/octet-stream", "bytes").statusCode()).isEqualTo(204);
            for (int i = 3; i <= 20; i++) {
                publishText("c/t", "m" + i);
            }
            JsonNode first = socket.next().get("item");
            long page = first.get("sequence_page").asLong();
            assertThat(first.get("topic_sequence_number").asLong()).isEqualTo(1);
            assertThat(first.get("value").get("text").asText()).isEqualTo("one\ntwo");
            JsonNode second = socket.next().get("item");
            assertThat(Base64.getDecoder().decode(second.get("value").get("binary").asText()))
                    .isEqualTo("bytes".getBytes(StandardCharsets.UTF_8));
            for (int i = 3; i <= 20; i++) {
                JsonNode item = socket.next().get("item");
                assertThat(item.get("topic_sequence_number").asLong()).isEqualTo(i);
                assertThat(item.get("sequence_page").asLong()).isEqualTo(page);
                assertThat(item.get("value").get("text").asText()).isEqualTo("m" + i);
            }
        }
    }

    @Test
    void resumesFromLastEventIdOrQueryWithADiscontinuityBeyondHistory() {
        tern = RunningTern.start("--history-messages", "3");
        tern.createCache("c");
        for (int i = 1; i <= 6; i++) {
            publishText("c/t", "m" + i);
        }
        long page;
        try (WebSocketTestClient socket = WebSocketTestClient.connect(tern, "/topics/c/t?sequence_number=5&" + key())) {
            socket.next();
            JsonNode item = socket.next().get("item");
            assertThat(item.get("value").get("text").asText()).isEqualTo("m5");
            page = item.get("sequence_page").asLong();
        }
        try (WebSocketTestClient socket = WebSocketTestClient.connect(tern, "/topics/c/t?" + key(),
                "Last-Event-ID", page + ":1")) {
            socket.next();
            JsonNode gap = socket.next().get("discontinuity");
            assertThat(gap.get("last_topic_sequence").asLong()).isEqualTo(1);
            assertThat(gap.get("new_topic_sequence").asLong()).isEqualTo(4);
            assertThat(gap.get("new_sequence_page").asLong()).isEqualTo(page);
            assertThat(socket.next().get("item").get("value").get("text").asText()).isEqualTo("m4");
        }
    }

    @Test
    void publishesOverTheSocketWithAcknowledgements() throws Exception {
        tern = RunningTern.start();
        tern.createCache("c");
        String alice = tern.mintToken("{\"expires_in_seconds\":600,\"token_id\":\"alice\","
                + "\"permissions\":[{\"role\":\"publishsubscribe\",\"cache\":\"c\",\"topic\":\"*\"}]}");
        try (SseTestClient watcher = SseTestClient.subscribe(tern, "/topics/c/t?" + key());
             WebSocketTestClient socket = WebSocketTestClient.connect(tern, "/topics/c/t?token=" + alice)) {
            socket.next();
            socket.sendText("{\"publish\":{\"text\":\"hello\"},\"request_id\":\"r1\"}");
            socket.sendText("{\"publish\":{\"binary\":\"" + Base64.getEncoder().encodeToString(new byte[]{0, 1, 2}) + "\"},\"request_id\":7}");

            // Answers and the socket's own subscription arrive on one socket; order them by kind.
            JsonNode ack1 = null;
            JsonNode ack2 = null;
            JsonNode item1 = null;
            JsonNode item2 = null;
            for (int i = 0; i < 4; i++) {
                JsonNode frame = socket.nextIgnoringHeartbeats();
                if (frame.has("published")) {
                    if (ack1 == null) {
                        ack1 = frame.get("published");
                    } else {
                        ack2 = frame.get("published");
                    }
                } else if (item1 == null) {
                    item1 = frame.get("item");
                } else {
                    item2 = frame.get("item");
                }
            }
            assertThat(ack1.get("request_id").asText()).isEqualTo("r1");
            assertThat(ack1.get("topic_sequence_number").asLong()).isEqualTo(1);
            assertThat(ack2.get("request_id").asLong()).isEqualTo(7);
            assertThat(ack2.get("topic_sequence_number").asLong()).isEqualTo(2);
            assertThat(item1.get("value").get("text").asText()).isEqualTo("hello");
            assertThat(item1.get("publisher_id").asText()).isEqualTo("alice");
            assertThat(item2.get("value").get("binary").asText()).isEqualTo("AAEC");

            SseParser.Event seenBySse = watcher.next();
            assertThat(seenBySse.data()).isEqualTo("hello");
            assertThat(seenBySse.lastEventId()).isEqualTo(ack1.get("sequence_page").asLong() + ":1");
            assertThat(seenBySse.otherFields()).containsEntry("publisher_id", "alice");
        }
    }

    @Test
    void eachPublishErrorComesBackAsAFrameAndTheSocketStaysOpen() throws Exception {
        tern = RunningTern.start();
        tern.createCache("c", "{\"max_publish_message_size_kb\":1,\"max_publish_rate\":3}");
        String subscribeOnly = tern.mintToken("{\"expires_in_seconds\":600,"
                + "\"permissions\":[{\"role\":\"subscribeonly\",\"cache\":\"c\",\"topic\":\"*\"}]}");
        try (WebSocketTestClient readOnly = WebSocketTestClient.connect(tern, "/topics/c/t?token=" + subscribeOnly)) {
            readOnly.next();
            readOnly.sendText("{\"publish\":{\"text\":\"no\"},\"request_id\":\"x\"}");
            assertError(readOnly.nextIgnoringHeartbeats(), 403, "x");
            assertThat(readOnly.isClosed()).isFalse();
        }
        try (WebSocketTestClient socket = WebSocketTestClient.connect(tern, "/topics/c/t?" + key())) {
            socket.next();
            socket.sendText("not json");
            assertError(socket.nextIgnoringHeartbeats(), 400, null);
            socket.sendText("[1,2]");
            assertError(socket.nextIgnoringHeartbeats(), 400, null);
            socket.sendText("{\"publish\":{\"text\":\"a\"},\"extra\":1,\"request_id\":\"e\"}");
            assertError(socket.nextIgnoringHeartbeats(), 400, "e");
            socket.sendText("{\"publish\":{\"text\":\"a\",\"binary\":\"YQ==\"}}");
            assertError(socket.nextIgnoringHeartbeats(), 400, null);
            socket.sendText("{\"publish\":{\"text\":5}}");
            assertError(socket.nextIgnoringHeartbeats(), 400, null);
            socket.sendText("{\"publish\":{\"binary\":\"not base64!\"}}");
            assertError(socket.nextIgnoringHeartbeats(), 400, null);
            socket.sendBinary(new byte[]{1, 2, 3});
            assertError(socket.nextIgnoringHeartbeats(), 400, null);
            socket.sendText("{\"publish\":{\"text\":\"" + "x".repeat(1100) + "\"},\"request_id\":\"big\"}");
            assertError(socket.nextIgnoringHeartbeats(), 413, "big");

            // The rate limit (3/s): some of a burst pass, the rest are refused with a retry hint.
            for (int i = 0; i < 6; i++) {
                socket.sendText("{\"publish\":{\"text\":\"burst\"}}");
            }
            int answers = 0;
            JsonNode limited = null;
            while (answers < 6) {
                JsonNode frame = socket.nextIgnoringHeartbeats();
                if (frame.has("published")) {
                    answers++;
                } else if (frame.has("error")) {
                    answers++;
                    limited = frame;
                    assertError(frame, 429, null);
                    assertThat(frame.get("error").get("retry_after_seconds").asLong()).isPositive();
                }
            }
            assertThat(limited).as("a burst over the rate limit is refused").isNotNull();

            assertThat(socket.isClosed()).as("client errors leave the socket open").isFalse();
            Thread.sleep(1100);
            socket.sendText("{\"publish\":{\"text\":\"still works\"},\"request_id\":\"ok\"}");
            JsonNode frame;
            do {
                frame = socket.nextIgnoringHeartbeats();
            } while (!frame.has("published"));
            assertThat(frame.get("published").get("request_id").asText()).isEqualTo("ok");
        }
    }

    @Test
    void anExpiredTokenEndsTheSocketWith4401() throws Exception {
        tern = RunningTern.start();
        tern.createCache("c");
        String shortLived = tern.mintToken("{\"expires_in_seconds\":1,"
                + "\"permissions\":[{\"role\":\"publishsubscribe\",\"cache\":\"c\",\"topic\":\"*\"}]}");
        try (WebSocketTestClient socket = WebSocketTestClient.connect(tern, "/topics/c/t?token=" + shortLived)) {
            socket.next();
            // The subscription ends when its token expires: an error frame, then close code 4401.
            assertError(socket.nextIgnoringHeartbeats(), 401, null);
            WebSocketTestClient.Close close = socket.awaitClose();
            assertThat(close.code()).isEqualTo(4401);
            assertThat(close.reason()).contains("expired");
        }
    }

    private static void assertError(JsonNode frame, int status, String requestId) {
        assertThat(frame.has("error")).as(frame.toString()).isTrue();
        JsonNode error = frame.get("error");
        assertThat(error.get("status").asInt()).as(frame.toString()).isEqualTo(status);
        assertThat(error.get("message").asText()).isNotBlank();
        if (requestId != null) {
            assertThat(error.get("request_id").asText()).isEqualTo(requestId);
        }
    }

    @Test
    void refusedSubscriptionsCloseWithCodesThatSayWhetherToReconnect() {
        tern = RunningTern.start();
        tern.createCache("c");
        tern.createCache("limited", "{\"max_subscription_count\":1}");
        String otherCache = tern.mintToken("{\"expires_in_seconds\":600,"
                + "\"permissions\":[{\"role\":\"subscribeonly\",\"cache\":\"other\",\"topic\":\"*\"}]}");

        assertRefused(WebSocketTestClient.connect(tern, "/topics/c/t"), 4401, 401);
        assertRefused(WebSocketTestClient.connect(tern, "/topics/c/t?token=nonsense"), 4401, 401);
        assertRefused(WebSocketTestClient.connect(tern, "/topics/c/t?token=" + otherCache), 4403, 403);
        assertRefused(WebSocketTestClient.connect(tern, "/topics/nope/t?" + key()), 4404, 404);
        assertRefused(WebSocketTestClient.connect(tern, "/topics/c/bad%20name?" + key()), 4400, 400);
        try (WebSocketTestClient holder = WebSocketTestClient.connect(tern, "/topics/limited/t?" + key())) {
            holder.next();
            WebSocketTestClient second = WebSocketTestClient.connect(tern, "/topics/limited/t?" + key());
            JsonNode error = second.next().get("error");
            assertThat(error.get("status").asInt()).isEqualTo(429);
            assertThat(error.get("retry_after_seconds").asLong()).isPositive();
            assertThat(second.awaitClose().code()).isEqualTo(4429);
        }
    }

    private static void assertRefused(WebSocketTestClient socket, int closeCode, int status) {
        JsonNode frame = socket.next();
        assertThat(frame.get("error").get("status").asInt()).as(frame.toString()).isEqualTo(status);
        WebSocketTestClient.Close close = socket.awaitClose();
        assertThat(close.code()).isEqualTo(closeCode);
        assertThat(close.reason()).isNotBlank();
    }

    @Test
    void aClosedSocketReleasesItsSubscription() {
        tern = RunningTern.start();
        tern.createCache("one", "{\"max_subscription_count\":1}");
        for (int round = 0; round < 3; round++) {
            WebSocketTestClient held = connectWhenFree("/topics/one/t?" + key());
            WebSocketTestClient second = WebSocketTestClient.connect(tern, "/topics/one/t?" + key());
            assertThat(second.next().get("error").get("status").asInt()).isEqualTo(429);
            assertThat(second.awaitClose().code()).isEqualTo(4429);
            held.close();
        }
    }

    /** Subscribes once the cache's slot is free: the server learns of a client's close asynchronously. */
    private WebSocketTestClient connectWhenFree(String path) {
        AtomicReference<WebSocketTestClient> opened = new AtomicReference<>();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            WebSocketTestClient socket = WebSocketTestClient.connect(tern, path);
            if (socket.next().has("heartbeat")) {
                opened.set(socket);
                return true;
            }
            socket.awaitClose();
            return false;
        });
        return opened.get();
    }

    @Test
    void cacheDeletionAndShutdownCloseWithTheirCodes() {
        tern = RunningTern.start();
        tern.createCache("c");
        try (WebSocketTestClient socket = WebSocketTestClient.connect(tern, "/topics/c/t?" + key())) {
            socket.next();
            assertThat(tern.send("DELETE", "/caches/c", null, null).statusCode()).isEqualTo(204);
            assertThat(socket.nextIgnoringHeartbeats().get("error").get("status").asInt()).isEqualTo(404);
            assertThat(socket.awaitClose().code()).as("cache gone: do not reconnect").isEqualTo(4404);
        }
        tern.createCache("c");
        try (WebSocketTestClient socket = WebSocketTestClient.connect(tern, "/topics/c/t?" + key())) {
            socket.next();
            tern.restart();
            assertThat(socket.awaitClose().code()).as("server going away: reconnect").isEqualTo(1001);
        }
    }

    @Test
    void aPeerThatAnswersNoPingsIsDisconnected() throws Exception {
        tern = RunningTern.start("--websocket-ping-interval", "200ms");
        tern.createCache("c");
        try (RawWebSocket silent = RawWebSocket.connect(tern, "/topics/c/t?" + key())) {
            long started = System.nanoTime();
            RawWebSocket.Frame frame;
            int pings = 0;
            do {
                frame = silent.readFrame();
                if (frame.opcode() == RawWebSocket.PING) {
                    pings++;
                }
            } while (frame.opcode() != RawWebSocket.CLOSE);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(pings).isPositive();
            assertThat(frame.closeCode()).isEqualTo(1001);
            assertThat(millis).as("closed after about two unanswered intervals").isBetween(300L, 5000L);
        }
    }

    @Test
    void pingsKeepTheSocketAliveAndIdleSocketsGetHeartbeatFrames() throws Exception {
        tern = RunningTern.start("--websocket-ping-interval", "200ms");
        tern.createCache("c");
        try (WebSocketTestClient socket = WebSocketTestClient.connect(tern, "/topics/c/t?" + key())) {
            assertThat(socket.next().has("heartbeat")).isTrue();
            Thread.sleep(1500);
            assertThat(socket.pings.get()).isGreaterThanOrEqualTo(4);
            assertThat(socket.isClosed()).as("pongs answered by the client keep it open").isFalse();
            int heartbeats = 0;
            JsonNode frame;
            while ((frame = socket.poll(Duration.ZERO)) != null) {
                assertThat(frame.has("heartbeat")).isTrue();
                heartbeats++;
            }
            assertThat(heartbeats).isGreaterThanOrEqualTo(3);
            publishText("c/t", "alive");
            assertThat(socket.nextIgnoringHeartbeats().get("item").get("value").get("text").asText()).isEqualTo("alive");
        }
    }
}
