package dev.tern.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /topics/{cacheName}/{topicName}?sequence_number=N&sequence_page=P}: Momento's JSON shape
 * (momento-compat.md section 4), replay, live delivery, timeout and discontinuities. History holds 5 messages.
 */
class LongPollApiTest {
    private static final long LONG_POLL_TIMEOUT_MILLIS = 1000;
    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static RunningTern tern;
    private static TernHttp http;
    private static String key;

    @BeforeAll
    static void start() {
        tern = RunningTern.start("--long-poll-timeout", LONG_POLL_TIMEOUT_MILLIS + "ms", "--history-messages", "5");
        http = new TernHttp(tern);
        key = tern.superUserKey();
        tern.createCache("lp");
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    private static String freshTopic() {
        return "t" + TOPICS.incrementAndGet();
    }

    private static void publish(String topic, String... texts) {
        for (String text : texts) {
            assertThat(http.publishText("lp", topic, key, text).statusCode()).isEqualTo(204);
        }
    }

    private static long pageOf(String topic) {
        return TernHttp.items(http.longPoll("lp", topic, key, 1, 0)).stream()
                .filter(i -> i.has("item")).findFirst().orElseThrow()
                .get("item").get("sequence_page").asLong();
    }

    @Test
    void itemHasExactlyMomentosShapeWithSnakeCaseFieldsAndNumbers() {
        String topic = freshTopic();
        publish(topic, "hello");

        HttpResponse<String> response = http.longPoll("lp", topic, key, 1, 0);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode body = TernHttp.json(response.body());
        assertThat(fieldNames(body)).containsExactly("items");
        JsonNode event = body.get("items").get(0);
        assertThat(fieldNames(event)).containsExactly("item");
        JsonNode item = event.get("item");
        // The super-user key has no token_id, so no publisher_id.
        assertThat(fieldNames(item)).containsExactlyInAnyOrder("topic_sequence_number", "sequence_page", "value");
        assertThat(item.get("topic_sequence_number").isIntegralNumber()).isTrue();
        assertThat(item.get("topic_sequence_number").asLong()).isEqualTo(1);
        assertThat(item.get("sequence_page").isIntegralNumber()).isTrue();
        assertThat(item.get("sequence_page").asLong()).isPositive()
                .as("a JavaScript client reads the page exactly").isLessThan(1L << 53);
        assertThat(fieldNames(item.get("value"))).containsExactly("text");
        assertThat(item.get("value").get("text").asText()).isEqualTo("hello");
        assertThat(response.body()).isEqualTo("{\"items\":[{\"item\":{\"topic_sequence_number\":1,\"sequence_page\":"
                + item.get("sequence_page").asLong() + ",\"value\":{\"text\":\"hello\"}}}]}");
    }

    @Test
    void binaryValueIsBase64() {
        String topic = freshTopic();
        byte[] bytes = {(byte) 0x89, 'P', 'N', 'G', 0, 0x1a};
        assertThat(http.publish("lp", topic, key, "application/octet-stream", bytes).statusCode()).isEqualTo(204);

        JsonNode value = TernHttp.items(http.longPoll("lp", topic, key, 1, 0)).get(0).get("item").get("value");

        assertThat(fieldNames(value)).containsExactly("binary");
        assertThat(value.get("binary").asText()).isEqualTo(Base64.getEncoder().encodeToString(bytes));
    }

    @Test
    void publisherIdIsTheTokenIdOfThePublishingToken() {
        String topic = freshTopic();
        String publisher = tern.mintToken("""
                {"expires_in_seconds": 600, "token_id": "sensor-42",
                 "permissions": [{"role": "publishonly", "cache": "lp", "topic": "*"}]}""");
        String anonymous = tern.mintToken("""
                {"expires_in_seconds": 600, "permissions": [{"role": "publishonly", "cache": "lp", "topic": "*"}]}""");
        assertThat(http.publishText("lp", topic, publisher, "from the sensor").statusCode()).isEqualTo(204);
        assertThat(http.publishText("lp", topic, anonymous, "from nobody").statusCode()).isEqualTo(204);

        List<JsonNode> items = TernHttp.items(http.longPoll("lp", topic, key, 1, 0));

        assertThat(items).hasSize(2);
        assertThat(items.get(0).get("item").get("publisher_id").asText()).isEqualTo("sensor-42");
        assertThat(items.get(1).get("item").has("publisher_id")).isFalse();
    }

    @Test
    void replaysHistoryFromTheRequestedSequence() {
        String topic = freshTopic();
        publish(topic, "a", "b", "c", "d");
        long page = pageOf(topic);

        List<JsonNode> items = TernHttp.items(http.longPoll("lp", topic, key, 3, page));

        assertThat(items).extracting(i -> i.get("item").get("topic_sequence_number").asLong()).containsExactly(3L, 4L);
        assertThat(items).extracting(i -> i.get("item").get("value").get("text").asText()).containsExactly("c", "d");
        assertThat(items).allSatisfy(i -> assertThat(i.get("item").get("sequence_page").asLong()).isEqualTo(page));
    }

    @Test
    void pageZeroMeansTheCurrentPage() {
        String topic = freshTopic();
        publish(topic, "a", "b");
        List<JsonNode> items = TernHttp.items(http.longPoll("lp", topic, key, 2, 0));
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("item").get("value").get("text").asText()).isEqualTo("b");
    }

    @Test
    void waitsForALiveMessageAndAnswersAsSoonAsItArrives() throws Exception {
        String topic = freshTopic();
        publish(topic, "before");
        long page = pageOf(topic);

        CompletableFuture<HttpResponse<String>> poll = http.longPollAsync("lp", topic, key, 2, page);
        Thread.sleep(200);
        assertThat(poll).isNotDone();
        publish(topic, "live");

        // Had the poll not been answered by the publish, it would time out with no items.
        List<JsonNode> items = TernHttp.items(poll.get(5, TimeUnit.SECONDS));
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("item").get("topic_sequence_number").asLong()).isEqualTo(2);
        assertThat(items.get(0).get("item").get("value").get("text").asText()).isEqualTo("live");
    }

    @Test
    void timeoutAnswersAnEmptyItemsList() {
        String topic = freshTopic();
        long started = System.nanoTime();

        HttpResponse<String> response = http.longPoll("lp", topic, key, 0, 0);

        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TernHttp.json(response.body())).isEqualTo(TernHttp.json("{\"items\":[]}"));
        assertThat(tookMillis).isBetween(LONG_POLL_TIMEOUT_MILLIS - 100, LONG_POLL_TIMEOUT_MILLIS + 3000);
    }

    @Test
    void sequenceNumberZeroIsLiveOnlyAndNeverReplays() throws Exception {
        String topic = freshTopic();
        publish(topic, "old-1", "old-2");

        assertThat(TernHttp.items(http.longPoll("lp", topic, key, 0, 0))).as("nothing new within the wait").isEmpty();

        CompletableFuture<HttpResponse<String>> poll = http.longPollAsync("lp", topic, key, 0, 0);
        http.awaitSubscribers(1);
        publish(topic, "new");
        List<JsonNode> items = TernHttp.items(poll.get(5, TimeUnit.SECONDS));
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("item").get("topic_sequence_number").asLong()).isEqualTo(3);
        assertThat(items.get(0).get("item").get("value").get("text").asText()).isEqualTo("new");
    }

    @Test
    void sequenceOlderThanHistoryGivesADiscontinuityThenTheRetainedMessages() {
        String topic = freshTopic();
        for (int i = 1; i <= 9; i++) {
            publish(topic, "m" + i);
        }
        long page = pageOf(topic);

        List<JsonNode> items = TernHttp.items(http.longPoll("lp", topic, key, 2, page));

        // History holds 5: sequences 5..9. The client last saw 1.
        assertThat(items).hasSize(6);
        JsonNode gap = items.get(0).get("discontinuity");
        assertThat(gap).isNotNull();
        assertThat(fieldNames(gap)).containsExactlyInAnyOrder("last_topic_sequence", "new_topic_sequence", "new_sequence_page");
        assertThat(gap.get("last_topic_sequence").asLong()).isEqualTo(1);
        assertThat(gap.get("new_topic_sequence").asLong()).isEqualTo(5);
        assertThat(gap.get("new_sequence_page").asLong()).isEqualTo(page);
        assertThat(items.subList(1, 6)).extracting(i -> i.get("item").get("topic_sequence_number").asLong())
                .containsExactly(5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void resumingInsideHistoryHasNoDiscontinuity() {
        String topic = freshTopic();
        for (int i = 1; i <= 9; i++) {
            publish(topic, "m" + i);
        }
        List<JsonNode> items = TernHttp.items(http.longPoll("lp", topic, key, 5, pageOf(topic)));
        assertThat(items).noneMatch(i -> i.has("discontinuity"));
        assertThat(items).extracting(i -> i.get("item").get("topic_sequence_number").asLong())
                .containsExactly(5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void unknownPageGivesADiscontinuityNamingTheCurrentPage() {
        String topic = freshTopic();
        publish(topic, "a", "b", "c");
        long page = pageOf(topic);

        List<JsonNode> items = TernHttp.items(http.longPoll("lp", topic, key, 3, 12345));

        JsonNode gap = items.get(0).get("discontinuity");
        assertThat(gap).as(items.toString()).isNotNull();
        assertThat(gap.get("new_sequence_page").asLong()).isEqualTo(page);
        long firstDelivered = items.get(1).get("item").get("topic_sequence_number").asLong();
        assertThat(gap.get("new_topic_sequence").asLong()).isEqualTo(firstDelivered);
        assertThat(items.subList(1, items.size())).allSatisfy(
                i -> assertThat(i.get("item").get("sequence_page").asLong()).isEqualTo(page));
    }

    @Test
    void aClientAheadOfTheTopicGetsADiscontinuityAndThenTheNextMessage() throws Exception {
        String topic = freshTopic();
        publish(topic, "a");
        long page = pageOf(topic);

        CompletableFuture<HttpResponse<String>> poll = http.longPollAsync("lp", topic, key, 50, page);
        List<JsonNode> items = TernHttp.items(poll.get(5, TimeUnit.SECONDS));

        JsonNode gap = items.get(0).get("discontinuity");
        assertThat(gap).as(items.toString()).isNotNull();
        assertThat(gap.get("new_topic_sequence").asLong()).isEqualTo(2);
        assertThat(gap.get("new_sequence_page").asLong()).isEqualTo(page);
    }

    @Test
    void followingTheTopicWithLastPlusOneSeesEveryMessageOnce() throws Exception {
        String topic = freshTopic();
        long next = 0;
        long page = 0;
        publish(topic, "first");
        next = 1;
        StringBuilder seen = new StringBuilder();
        for (int round = 0; round < 4; round++) {
            publish(topic, "r" + round + "a", "r" + round + "b");
            List<JsonNode> items = TernHttp.items(http.longPoll("lp", topic, key, next, page));
            for (JsonNode event : items) {
                JsonNode item = event.get("item");
                assertThat(item).as("no discontinuity while following: " + items).isNotNull();
                assertThat(item.get("topic_sequence_number").asLong()).isEqualTo(next);
                next = item.get("topic_sequence_number").asLong() + 1;
                page = item.get("sequence_page").asLong();
                seen.append(item.get("value").get("text").asText()).append(' ');
            }
        }
        assertThat(seen.toString().trim()).isEqualTo("first r0a r0b r1a r1b r2a r2b r3a r3b");
    }

    @Test
    void aTokenInTheQueryWorksForTheLongPollToo() {
        String topic = freshTopic();
        publish(topic, "q");
        HttpResponse<String> response = http.send(http.request(TernHttp.topicPath("lp", topic)
                + "?sequence_number=1&token=" + TernHttp.urlEncode(key)).GET().build());
        assertThat(TernHttp.items(response)).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sequence_number=-1", "sequence_number=abc", "sequence_number=1.5",
            "sequence_page=-3", "sequence_page=x", "sequence_number=99999999999999999999999",
            "sequence_number=1&sequence_page=0x10"})
    void badSequenceValuesAre400(String query) {
        HttpResponse<String> response = http.send(http.request(TernHttp.topicPath("lp", "any") + "?" + query)
                .header("Authorization", key).GET().build());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("sequence_");
    }

    @Test
    void longPollOnAMissingCacheIs404() {
        HttpResponse<String> response = http.longPoll("missing", "t", key, 0, 0);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("Cache Not Found");
    }

    @Test
    void longPollWithoutATokenIs401() {
        HttpResponse<String> response = http.send(http.request(TernHttp.topicPath("lp", "t")).GET().build());
        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void longPollWithBothTokenPlacementsIs400() {
        HttpResponse<String> response = http.send(http.request(TernHttp.topicPath("lp", "t") + "?token="
                + TernHttp.urlEncode(key)).header("Authorization", "Bearer " + key).GET().build());
        assertThat(response.statusCode()).isEqualTo(400);
    }

    private static List<String> fieldNames(JsonNode node) {
        java.util.ArrayList<String> names = new java.util.ArrayList<>();
        Iterator<String> it = node.fieldNames();
        it.forEachRemaining(names::add);
        return names;
    }
}
