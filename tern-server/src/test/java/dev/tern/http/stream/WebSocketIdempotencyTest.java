package dev.tern.http.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code "idempotency_key"} on a WebSocket publish: the acknowledgement of a repeat names the first position. */
class WebSocketIdempotencyTest {
    private RunningTern tern;

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    private static JsonNode nextAnswer(WebSocketTestClient socket) {
        while (true) {
            JsonNode frame = socket.nextIgnoringHeartbeats();
            if (frame.has("published") || frame.has("error")) {
                return frame;
            }
        }
    }

    @Test
    void aRepeatIsAcknowledgedWithTheFirstPositionAndAChangedMessageIsRefused() {
        tern = RunningTern.start("--long-poll-timeout", "1s");
        tern.createCache("c");
        String key = "token=" + TernHttp.urlEncode(tern.superUserKey());
        try (WebSocketTestClient socket = WebSocketTestClient.connect(tern, "/topics/c/t?" + key)) {
            socket.next();
            socket.sendText("{\"publish\":{\"text\":\"a\"},\"request_id\":1,\"idempotency_key\":\"k1\"}");
            JsonNode first = nextAnswer(socket).get("published");
            socket.sendText("{\"publish\":{\"text\":\"a\"},\"request_id\":2,\"idempotency_key\":\"k1\"}");
            JsonNode repeat = nextAnswer(socket).get("published");
            socket.sendText("{\"publish\":{\"text\":\"b\"},\"request_id\":3,\"idempotency_key\":\"k1\"}");
            JsonNode changed = nextAnswer(socket).get("error");
            socket.sendText("{\"publish\":{\"text\":\"b\"},\"request_id\":4,\"idempotency_key\":7}");
            JsonNode malformed = nextAnswer(socket).get("error");

            assertThat(repeat.get("request_id").asInt()).isEqualTo(2);
            assertThat(repeat.get("topic_sequence_number").asLong()).isEqualTo(first.get("topic_sequence_number").asLong());
            assertThat(repeat.get("sequence_page").asLong()).isEqualTo(first.get("sequence_page").asLong());
            assertThat(changed.get("status").asInt()).isEqualTo(409);
            assertThat(changed.get("request_id").asInt()).isEqualTo(3);
            assertThat(malformed.get("status").asInt()).isEqualTo(400);
        }
        TernHttp http = new TernHttp(tern);
        assertThat(TernHttp.items(http.longPoll("c", "t", tern.superUserKey(), 1, 0))).hasSize(1);
    }
}
