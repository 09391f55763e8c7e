package dev.tern.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --history-bytes} bounds what a topic keeps for resume; the newest message is always kept. */
class HistoryLimitsTest {

    @Test
    void historyIsBoundedByBytesAndAResumeBeyondItGetsADiscontinuity() {
        try (RunningTern tern = RunningTern.start("--history-bytes", "20", "--long-poll-timeout", "300ms")) {
            TernHttp http = new TernHttp(tern);
            String key = tern.superUserKey();
            tern.createCache("h");
            for (String text : List.of("aaaaaaaa", "bbbbbbbb", "cccccccc", "dddddddddddddddddddddddddddddd")) {
                assertThat(http.publishText("h", "t", key, text).statusCode()).isEqualTo(204);
            }

            List<JsonNode> items = TernHttp.items(http.longPoll("h", "t", key, 1, 0));

            // 30 bytes exceed the 20-byte bound on their own, yet the newest message is kept.
            assertThat(items).hasSize(2);
            assertThat(items.get(0).get("discontinuity").get("new_topic_sequence").asLong()).isEqualTo(4);
            assertThat(items.get(1).get("item").get("topic_sequence_number").asLong()).isEqualTo(4);
            assertThat(items.get(1).get("item").get("value").get("text").asText()).hasSize(30);

            http.publishText("h", "t", key, "eeeeeeee");
            http.publishText("h", "t", key, "ffffffff");
            List<JsonNode> later = TernHttp.items(http.longPoll("h", "t", key, 5, 0));
            assertThat(later).extracting(i -> i.get("item").get("topic_sequence_number").asLong()).containsExactly(5L, 6L);
        }
    }
}
