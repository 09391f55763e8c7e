package dev.tern.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Idle topics are forgotten after {@code --topic-idle-timeout}; a topic that returns starts a new, greater page. */
class TopicEvictionTest {
    private static RunningTern tern;
    private static TernHttp http;
    private static String key;

    @BeforeAll
    static void start() {
        tern = RunningTern.start("--topic-idle-timeout", "400ms", "--long-poll-timeout", "3s");
        http = new TernHttp(tern);
        key = tern.superUserKey();
        tern.createCache("idle");
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    private static double topics() {
        return http.send(http.request("/metrics").GET().build()).body().lines()
                .filter(l -> l.startsWith("tern_topics "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static JsonNode firstItem(String topic) {
        return TernHttp.items(http.longPoll("idle", topic, key, 1, 0)).get(0).get("item");
    }

    @Test
    void anIdleTopicIsEvictedAndComesBackOnANewGreaterPage() {
        http.publishText("idle", "comeback", key, "one");
        http.publishText("idle", "comeback", key, "two");
        long oldPage = firstItem("comeback").get("sequence_page").asLong();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> topics() == 0);
        assertThat(http.publishText("idle", "comeback", key, "three").statusCode()).isEqualTo(204);

        JsonNode item = firstItem("comeback");
        assertThat(item.get("topic_sequence_number").asLong()).isEqualTo(1);
        assertThat(item.get("value").get("text").asText()).isEqualTo("three");
        assertThat(item.get("sequence_page").asLong()).isGreaterThan(oldPage);

        // A client resuming on the old page learns of the reset by a discontinuity naming the new page.
        List<JsonNode> resumed = TernHttp.items(http.longPoll("idle", "comeback", key, 3, oldPage));
        assertThat(resumed.get(0).get("discontinuity").get("new_sequence_page").asLong())
                .isEqualTo(item.get("sequence_page").asLong());
    }

    @Test
    void aTopicWithAWaitingSubscriberIsNotEvicted() throws Exception {
        http.publishText("idle", "watched", key, "first");
        long page = firstItem("watched").get("sequence_page").asLong();
        CompletableFuture<HttpResponse<String>> poll = http.longPollAsync("idle", "watched", key, 2, page);

        Thread.sleep(1500); // several idle timeouts while the subscriber waits
        assertThat(http.publishText("idle", "watched", key, "second").statusCode()).isEqualTo(204);

        List<JsonNode> items = TernHttp.items(poll.get(5, TimeUnit.SECONDS));
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("item").get("topic_sequence_number").asLong()).isEqualTo(2);
        assertThat(items.get(0).get("item").get("sequence_page").asLong()).isEqualTo(page);
    }
}
