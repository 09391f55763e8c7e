package dev.tern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The long-poll follower behind {@code tern subscribe}. */
class TopicPollerTest {

    @Test
    void liveOnlyDoesNotMissAMessagePublishedBetweenTwoPolls() throws Exception {
        try (RunningTern tern = RunningTern.start("--long-poll-timeout", "300ms")) {
            tern.createCache("gap");
            TernHttp http = new TernHttp(tern);
            http.publishText("gap", "t", tern.superUserKey(), "before the subscriber");
            ClientOptions options = new ClientOptions();
            options.url = "http://127.0.0.1:" + tern.port();
            options.token = tern.superUserKey();
            TopicPoller poller = new TopicPoller(new TernClient(options), "gap", "t", 0, 0);

            assertThat(poller.poll()).as("the first poll waits for new messages and times out empty").isEmpty();
            http.publishText("gap", "t", tern.superUserKey(), "between polls");
            List<JsonNode> events = poller.poll();

            assertThat(events).hasSize(1);
            assertThat(events.get(0).get("item").get("value").get("text").asText()).isEqualTo("between polls");
            assertThat(events.get(0).get("item").get("topic_sequence_number").asLong()).isEqualTo(2);
        }
    }
}
