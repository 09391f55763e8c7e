package dev.tern.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /caches/{cache}/batch}: one result per item, in order; each item checked like a single publish. */
class BatchPublishTest {
    private static RunningTern tern;
    private static TernHttp http;
    private static String key;

    @BeforeAll
    static void start() {
        tern = RunningTern.start("--long-poll-timeout", "1s");
        http = new TernHttp(tern);
        key = tern.superUserKey();
        tern.createCache("b", "{\"max_publish_message_size_kb\": 1}");
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    private static HttpResponse<String> batch(String token, String contentType, String body) {
        HttpRequest.Builder request = http.request("/caches/b/batch")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) {
            request.header("Authorization", token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build());
    }

    private static List<JsonNode> results(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> results = new ArrayList<>();
        TernHttp.json(response.body()).get("results").forEach(results::add);
        return results;
    }

    private static List<String> texts(String topic) {
        List<String> texts = new ArrayList<>();
        long next = 1;
        while (true) {
            List<JsonNode> items = TernHttp.items(http.longPoll("b", topic, key, next, 0));
            if (items.isEmpty()) {
                return texts;
            }
            for (JsonNode item : items) {
                texts.add(item.get("item").get("value").has("text")
                        ? item.get("item").get("value").get("text").asText()
                        : "binary:" + item.get("item").get("value").get("binary").asText());
                next = item.get("item").get("topic_sequence_number").asLong() + 1;
            }
        }
    }

    @Test
    void mixedValidAndInvalidItemsEachGetTheirOwnResultInOrder() {
        String writer = tern.mintToken("{\"expires_in_seconds\":600,\"permissions\":"
                + "[{\"role\":\"publishonly\",\"cache\":\"b\",\"topic\":{\"prefix\":\"mix-\"}}]}");
        String body = """
                [
                  {"topic": "mix-a", "text": "a1"},
                  {"topic": "mix-b", "binary": "AAEC"},
                  {"topic": "bad name", "text": "x"},
                  {"topic": "mix-a", "text": "x", "colour": "red"},
                  {"topic": "mix-a", "text": "x", "binary": "AA=="},
                  {"topic": "other", "text": "not mine"},
                  {"topic": "mix-a", "text": "%s"},
                  {"topic": "mix-a", "binary": "not base64!"},
                  42,
                  {"text": "no topic"},
                  {"topic": "mix-a", "text": "a2"}
                ]""".formatted("x".repeat(2000));

        List<JsonNode> results = results(batch(writer, "application/json", body));

        assertThat(results).hasSize(11);
        assertThat(results.get(0).get("topic").asText()).isEqualTo("mix-a");
        assertThat(results.get(0).get("topic_sequence_number").asLong()).isEqualTo(1);
        assertThat(results.get(0).get("sequence_page").asLong()).isPositive();
        assertThat(results.get(1).get("topic_sequence_number").asLong()).isEqualTo(1);
        assertThat(status(results.get(2))).isEqualTo(400);
        assertThat(status(results.get(3))).isEqualTo(400);
        assertThat(results.get(3).get("error").get("message").asText()).contains("colour");
        assertThat(status(results.get(4))).isEqualTo(400);
        assertThat(status(results.get(5))).isEqualTo(403);
        assertThat(status(results.get(6))).isEqualTo(413);
        assertThat(status(results.get(7))).isEqualTo(400);
        assertThat(status(results.get(8))).isEqualTo(400);
        assertThat(status(results.get(9))).isEqualTo(400);
        assertThat(results.get(10).get("topic_sequence_number").asLong()).isEqualTo(2);
        assertThat(texts("mix-a")).containsExactly("a1", "a2");
        assertThat(texts("mix-b")).containsExactly("binary:AAEC");
        assertThat(texts("other")).isEmpty();
    }

    private static int status(JsonNode result) {
        return result.get("error").get("status").asInt();
    }

    @Test
    void messagesToOneTopicKeepTheirOrder() {
        StringBuilder body = new StringBuilder("[");
        List<List<String>> expected = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < 600; i++) {
            body.append(i == 0 ? "" : ",").append("{\"topic\":\"order-").append(i % 3).append("\",\"text\":\"m")
                    .append(i).append("\"}");
            expected.get(i % 3).add("m" + i);
        }
        List<JsonNode> results = results(batch(key, null, body.append(']').toString()));

        for (int i = 0; i < 600; i++) {
            assertThat(results.get(i).get("topic_sequence_number").asLong()).isEqualTo(i / 3 + 1);
        }
        for (int t = 0; t < 3; t++) {
            assertThat(texts("order-" + t)).containsExactlyElementsOf(expected.get(t));
        }
    }

    @Test
    void ndjsonCarriesOneItemPerLineAndALineThatIsNotJsonIsRefusedAlone() {
        String body = "{\"topic\":\"nd\",\"text\":\"one\"}\n\nnot json\r\n{\"topic\":\"nd\",\"text\":\"two\","
                + "\"idempotency_key\":\"k\"}\n{\"topic\":\"nd\",\"text\":\"two\",\"idempotency_key\":\"k\"}\n";
        List<JsonNode> results = results(batch(key, "application/x-ndjson", body));

        assertThat(results).hasSize(4);
        assertThat(results.get(0).get("topic_sequence_number").asLong()).isEqualTo(1);
        assertThat(status(results.get(1))).isEqualTo(400);
        assertThat(results.get(2).get("topic_sequence_number").asLong()).isEqualTo(2);
        // The same idempotency key again: the first position, nothing published.
        assertThat(results.get(3).get("topic_sequence_number").asLong()).isEqualTo(2);
        assertThat(texts("nd")).containsExactly("one", "two");
    }

    @Test
    void theBatchAsAWholeIsRefusedWhenItIsNotAListOrTooLarge() {
        StringBuilder tooMany = new StringBuilder("[");
        for (int i = 0; i <= BatchRequest.MAX_ITEMS; i++) {
            tooMany.append(i == 0 ? "" : ",").append("{\"topic\":\"many\",\"text\":\"x\"}");
        }
        StringBuilder tooManyLines = new StringBuilder();
        for (int i = 0; i <= BatchRequest.MAX_ITEMS; i++) {
            tooManyLines.append("{\"topic\":\"many\",\"text\":\"x\"}\n");
        }
        String huge = "[{\"topic\":\"big\",\"text\":\"" + "x".repeat((int) BatchRequest.MAX_BODY_BYTES) + "\"}]";

        assertThat(batch(key, null, tooMany.append(']').toString()).statusCode()).isEqualTo(413);
        assertThat(batch(key, "application/x-ndjson", tooManyLines.toString()).statusCode()).isEqualTo(413);
        assertThat(batch(key, null, huge).statusCode()).isEqualTo(413);
        assertThat(batch(key, null, "{\"topic\":\"t\",\"text\":\"x\"}").statusCode()).isEqualTo(400);
        assertThat(batch(key, null, "[").statusCode()).isEqualTo(400);
        assertThat(batch(key, null, "[]").statusCode()).isEqualTo(400);
        assertThat(batch(key, "application/x-ndjson", "\n\n").statusCode()).isEqualTo(400);
        assertThat(batch(null, null, "[{\"topic\":\"t\",\"text\":\"x\"}]").statusCode()).isEqualTo(401);
        assertThat(texts("many")).isEmpty();
        assertThat(texts("big")).isEmpty();
    }

    @Test
    void aMissingCacheIsAnsweredPerItemAndABadCacheNameWhole() {
        HttpResponse<String> missing = http.send(http.request("/caches/none/batch").header("Authorization", key)
                .POST(HttpRequest.BodyPublishers.ofString("[{\"topic\":\"t\",\"text\":\"x\"}]")).build());
        assertThat(status(results(missing).get(0))).isEqualTo(404);
        assertThat(http.rawStatus("POST", "/caches/bad%20name/batch", key, "[]")).isEqualTo(400);
    }

    @Test
    void theCachePublishRateIsSpentPerItem() {
        tern.createCache("b-rate", "{\"max_publish_rate\": 5}");
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 20; i++) {
            body.append(i == 0 ? "" : ",").append("{\"topic\":\"r\",\"text\":\"m").append(i).append("\"}");
        }
        HttpResponse<String> response = http.send(http.request("/caches/b-rate/batch").header("Authorization", key)
                .POST(HttpRequest.BodyPublishers.ofString(body.append(']').toString())).build());

        List<JsonNode> results = results(response);
        assertThat(results.subList(0, 5)).allMatch(result -> result.has("topic_sequence_number"));
        List<JsonNode> limited = results.stream().filter(result -> result.has("error")).toList();
        assertThat(limited).hasSizeGreaterThanOrEqualTo(10)
                .allMatch(result -> status(result) == 429 && result.get("error").get("retry_after_seconds").asInt() >= 1);
    }
}
