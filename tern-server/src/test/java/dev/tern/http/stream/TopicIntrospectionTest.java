package dev.tern.http.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /caches/{cache}/topics} and {@code /caches/{cache}/topics/{topic}} against live subscribers of every
 * HTTP transport (here, beside the SSE and WebSocket test clients).
 */
class TopicIntrospectionTest {
    private RunningTern tern;
    private TernHttp http;
    private String key;

    @BeforeEach
    void start() {
        tern = RunningTern.start("--long-poll-timeout", "30s");
        http = new TernHttp(tern);
        key = tern.superUserKey();
        tern.createCache("ops");
        tern.createCache("other");
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    @Test
    void listsLiveTopicsWithSubscribersByTransportHistoryAndRateMostActiveFirst() throws Exception {
        try (SseTestClient sse = SseTestClient.subscribe(tern, "/topics/ops/busy?token=" + key);
             WebSocketTestClient socket = WebSocketTestClient.connect(tern, "/topics/ops/busy?token=" + key)) {
            CompletableFuture<HttpResponse<String>> poll = http.longPollAsync("ops", "quiet", key, 0, 0);
            http.awaitSubscribers(3);
            for (String text : List.of("a", "bb", "ccc")) {
                assertThat(http.publishText("ops", "busy", key, text).statusCode()).isEqualTo(204);
            }
            http.publishText("other", "elsewhere", key, "x");

            JsonNode list = get("/caches/ops/topics", key, 200);
            assertThat(list.path("cache").asText()).isEqualTo("ops");
            assertThat(list.path("scope").asText()).isEqualTo("server");
            assertThat(list.path("nodes").asInt()).isEqualTo(1);
            assertThat(list.path("total").asInt()).isEqualTo(2);
            assertThat(list.has("next_offset")).isFalse();
            JsonNode busy = list.path("topics").get(0);
            assertThat(busy.path("topic").asText()).as("the most active first").isEqualTo("busy");
            assertThat(busy.path("subscribers").path("total").asInt()).isEqualTo(2);
            assertThat(busy.path("subscribers").path("sse").asInt()).isEqualTo(1);
            assertThat(busy.path("subscribers").path("websocket").asInt()).isEqualTo(1);
            assertThat(busy.path("subscribers").path("long_poll").asInt()).isZero();
            assertThat(busy.path("last_sequence_number").asLong()).isEqualTo(3);
            assertThat(busy.path("sequence_page").asLong()).isPositive();
            assertThat(busy.path("history_messages").asLong()).isEqualTo(3);
            assertThat(busy.path("history_bytes").asLong()).isEqualTo(6);
            assertThat(busy.path("publishes_per_second").asDouble()).isEqualTo(0.05);
            assertThat(busy.path("idle_ms").asLong()).isNotNegative();
            JsonNode quiet = list.path("topics").get(1);
            assertThat(quiet.path("topic").asText()).isEqualTo("quiet");
            assertThat(quiet.path("subscribers").path("long_poll").asInt()).isEqualTo(1);
            assertThat(quiet.path("last_sequence_number").asLong()).isZero();
            assertThat(quiet.path("history_messages").asLong()).isZero();
            assertThat(quiet.path("publishes_per_second").asDouble()).isZero();

            JsonNode one = get("/caches/ops/topics/busy", key, 200);
            assertThat(one.path("topic").asText()).isEqualTo("busy");
            assertThat(one.path("cache").asText()).isEqualTo("ops");
            assertThat(one.path("subscribers").path("total").asInt()).isEqualTo(2);

            socket.close();
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    get("/caches/ops/topics/busy", key, 200).path("subscribers").path("websocket").asInt() == 0);
            assertThat(get("/caches/ops/topics/busy", key, 200).path("subscribers").path("sse").asInt()).isEqualTo(1);
            http.publishText("ops", "quiet", key, "wake");
            assertThat(poll.get().statusCode()).isEqualTo(200);
        }
    }

    @Test
    void pagesAndSortsByName() {
        for (String topic : List.of("c", "a", "b")) {
            http.publishText("ops", topic, key, "x");
        }
        http.publishText("ops", "b", key, "x");
        JsonNode first = get("/caches/ops/topics?limit=2", key, 200);
        assertThat(first.path("total").asInt()).isEqualTo(3);
        assertThat(names(first)).hasSize(2).startsWith("b");
        assertThat(first.path("next_offset").asInt()).isEqualTo(2);
        JsonNode rest = get("/caches/ops/topics?limit=2&offset=2", key, 200);
        assertThat(names(rest)).hasSize(1);
        assertThat(rest.has("next_offset")).isFalse();
        assertThat(names(get("/caches/ops/topics?sort=name", key, 200))).containsExactly("a", "b", "c");
        assertThat(names(get("/caches/ops/topics?offset=10", key, 200))).isEmpty();
    }

    @Test
    void readableBySuperUsersAndCacheWideTokensOnly() {
        http.publishText("ops", "t", key, "x");
        String cacheWide = tern.mintToken("""
                {"expires_in_seconds": 600, "permissions": [{"role": "subscribeonly", "cache": "ops", "topic": "*"}]}""");
        String everyCache = tern.mintToken("""
                {"expires_in_seconds": 600, "permissions": [{"role": "publishonly", "cache": "*", "topic": "*"}]}""");
        String oneTopic = tern.mintToken("""
                {"expires_in_seconds": 600, "permissions": [{"role": "publishsubscribe", "cache": "ops", "topic": "t"}]}""");
        String prefix = tern.mintToken("""
                {"expires_in_seconds": 600, "permissions": [{"role": "publishsubscribe", "cache": "ops", "topic": {"prefix": "t"}}]}""");
        String otherCache = tern.mintToken("""
                {"expires_in_seconds": 600, "permissions": [{"role": "publishsubscribe", "cache": "other", "topic": "*"}]}""");
        assertThat(names(get("/caches/ops/topics", cacheWide, 200))).containsExactly("t");
        get("/caches/ops/topics/t", everyCache, 200);
        get("/caches/ops/topics", oneTopic, 403);
        get("/caches/ops/topics/t", oneTopic, 403);
        get("/caches/ops/topics", prefix, 403);
        get("/caches/ops/topics", otherCache, 403);
        get("/caches/ops/topics", null, 401);
        get("/caches/ops/topics", "garbage", 401);
    }

    @Test
    void unknownCachesAndTopicsAre404AndBadQueries400() {
        get("/caches/missing/topics", key, 404);
        get("/caches/ops/topics/never-used", key, 404);
        for (String query : List.of("limit=0", "limit=1001", "limit=x", "offset=-1", "sort=size", "offset=99999999999")) {
            get("/caches/ops/topics?" + query, key, 400);
        }
        get("/caches/bad%20name/topics", key, 400);
    }

    private JsonNode get(String path, String token, int expectedStatus) {
        var request = http.request(path).GET();
        if (token != null) {
            request.header("Authorization", token);
        }
        HttpResponse<String> response = http.send(request.build());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(expectedStatus);
        return expectedStatus == 200 ? TernHttp.json(response.body()) : null;
    }

    private static List<String> names(JsonNode list) {
        return list.path("topics").findValuesAsText("topic");
    }
}
