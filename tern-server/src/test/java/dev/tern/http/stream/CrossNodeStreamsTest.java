package dev.tern.http.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningRedis;
import dev.tern.testing.RunningTern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser transports on two nodes sharing one Redis: a Server-Sent Events or WebSocket subscriber on one node
 * receives, in order and with the same sequence numbers, what is published on the other right after it connected.
 */
class CrossNodeStreamsTest {
    private static RunningRedis redis;
    private static RunningTern a;
    private static RunningTern b;

    @BeforeAll
    static void start() {
        redis = RunningRedis.start();
        a = RunningTern.start("--engine", "redis", "--redis-url", redis.url());
        b = RunningTern.start("--engine", "redis", "--redis-url", redis.url());
        a.createCache("streams");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {a, b, redis}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // keep closing the others
            }
        }
    }

    private static void publish(String topic, String text) {
        assertThat(a.send("POST", "/topics/streams/" + topic, "text/plain", text).statusCode()).isEqualTo(204);
    }

    @Test
    void serverSentEventsOnOneNodeCarryWhatIsPublishedOnAnother() {
        try (SseTestClient stream = SseTestClient.subscribe(b, "/topics/streams/sse?token=" + b.superUserKey())) {
            for (int i = 1; i <= 5; i++) {
                publish("sse", "e" + i);
            }
            List<SseParser.Event> events = stream.next(5);
            String page = events.get(0).lastEventId().split(":")[0];
            for (int i = 0; i < 5; i++) {
                assertThat(events.get(i).data()).isEqualTo("e" + (i + 1));
                assertThat(events.get(i).lastEventId()).isEqualTo(page + ":" + (i + 1));
            }
        }
    }

    @Test
    void aWebSocketOnOneNodeCarriesWhatIsPublishedOnAnother() {
        try (WebSocketTestClient socket = WebSocketTestClient.connect(b, "/topics/streams/ws?token=" + b.superUserKey())) {
            assertThat(socket.next().has("heartbeat")).isTrue();
            for (int i = 1; i <= 5; i++) {
                publish("ws", "w" + i);
            }
            long page = 0;
            for (int i = 1; i <= 5; i++) {
                JsonNode item = socket.nextIgnoringHeartbeats().get("item");
                assertThat(item.get("value").get("text").asText()).isEqualTo("w" + i);
                assertThat(item.get("topic_sequence_number").asLong()).isEqualTo(i);
                if (page == 0) {
                    page = item.get("sequence_page").asLong();
                }
                assertThat(item.get("sequence_page").asLong()).isEqualTo(page);
            }
        }
    }
}
