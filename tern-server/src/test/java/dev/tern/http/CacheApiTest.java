package dev.tern.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code PUT /caches/{name}}, {@code GET /caches}, {@code DELETE /caches/{name}}. */
class CacheApiTest {
    private static RunningTern tern;
    private static TernHttp http;
    private static String key;

    @BeforeAll
    static void start() {
        tern = RunningTern.start("--long-poll-timeout", "20s", "--default-max-message-size-kb", "8");
        http = new TernHttp(tern);
        key = tern.superUserKey();
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    private static HttpResponse<String> call(String method, String path, String token, String json) {
        HttpRequest.Builder request = http.request(path)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", token);
        }
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build());
    }

    private static JsonNode listed(String name) {
        HttpResponse<String> response = call("GET", "/caches", key, null);
        assertThat(response.statusCode()).isEqualTo(200);
        for (JsonNode cache : TernHttp.json(response.body()).get("caches")) {
            if (cache.get("name").asText().equals(name)) {
                return cache;
            }
        }
        return null;
    }

    @Test
    void createWithLimitsAnswers201AndTheListShowsThem() {
        HttpResponse<String> created = call("PUT", "/caches/limited", key,
                "{\"max_publish_rate\": 50, \"max_subscription_count\": 7, \"max_publish_message_size_kb\": 2}");

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode body = TernHttp.json(created.body());
        assertThat(body.get("name").asText()).isEqualTo("limited");
        JsonNode limits = listed("limited").get("topic_limits");
        assertThat(limits.get("max_publish_rate").asInt()).isEqualTo(50);
        assertThat(limits.get("max_subscription_count").asInt()).isEqualTo(7);
        assertThat(limits.get("max_publish_message_size_kb").asInt()).isEqualTo(2);
        assertThat(body.get("topic_limits")).isEqualTo(limits);
    }

    @Test
    void createWithoutABodyTakesTheServerDefaults() {
        assertThat(call("PUT", "/caches/defaults", key, null).statusCode()).isEqualTo(201);
        JsonNode limits = listed("defaults").get("topic_limits");
        assertThat(limits.get("max_publish_rate").asInt()).isZero();
        assertThat(limits.get("max_subscription_count").asInt()).isZero();
        assertThat(limits.get("max_publish_message_size_kb").asInt()).isEqualTo(8);
    }

    @Test
    void createWithPartialLimitsKeepsTheOtherDefaults() {
        assertThat(call("PUT", "/caches/partial", key, "{\"max_publish_rate\": 3}").statusCode()).isEqualTo(201);
        JsonNode limits = listed("partial").get("topic_limits");
        assertThat(limits.get("max_publish_rate").asInt()).isEqualTo(3);
        assertThat(limits.get("max_publish_message_size_kb").asInt()).isEqualTo(8);
    }

    @Test
    void createTwiceIs409() {
        assertThat(call("PUT", "/caches/twice", key, null).statusCode()).isEqualTo(201);
        HttpResponse<String> again = call("PUT", "/caches/twice", key, "{\"max_publish_rate\": 1}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("twice");
        assertThat(listed("twice").get("topic_limits").get("max_publish_rate").asInt())
                .as("the existing cache is untouched").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"not json", "[1,2]", "{\"max_publish_rate\": -1}", "{\"max_publish_rate\": \"fast\"}",
            "{\"max_publish_rate\": 1.5}", "{\"max_publish_message_size_kb\": 0}",
            "{\"max_publish_message_size_kb\": 1000000}", "{\"unknown_limit\": 1}",
            "{\"max_subscription_count\": 99999999999}"})
    void badLimitsAre400AndCreateNothing(String body) {
        HttpResponse<String> response = call("PUT", "/caches/bad-limits", key, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(listed("bad-limits")).isNull();
    }

    @Test
    void badCacheNamesAre400() {
        assertThat(call("PUT", "/caches/" + "c".repeat(256), key, null).statusCode()).isEqualTo(400);
        assertThat(call("PUT", "/caches/a%20b", key, null).statusCode()).isEqualTo(400);
        assertThat(call("PUT", "/caches/a%2Fb", key, null).statusCode()).isBetween(400, 404);
    }

    @Test
    void deleteAnswers204ThenTheCacheIsGoneAndASecondDeleteIs404() {
        assertThat(call("PUT", "/caches/doomed", key, null).statusCode()).isEqualTo(201);
        assertThat(call("DELETE", "/caches/doomed", key, null).statusCode()).isEqualTo(204);
        assertThat(listed("doomed")).isNull();
        assertThat(http.publishText("doomed", "t", key, "x").statusCode()).isEqualTo(404);
        HttpResponse<String> again = call("DELETE", "/caches/doomed", key, null);
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(again.body()).contains("Cache Not Found");
    }

    @Test
    void deletingACacheEndsAWaitingLongPollWith404() throws Exception {
        tern.createCache("live-delete");
        CompletableFuture<HttpResponse<String>> waiting = http.longPollAsync("live-delete", "t", key, 0, 0);
        CompletableFuture<HttpResponse<String>> otherCache;
        tern.createCache("bystander");
        otherCache = http.longPollAsync("bystander", "t", key, 0, 0);
        http.awaitSubscribers(2);
        assertThat(waiting).isNotDone();

        assertThat(call("DELETE", "/caches/live-delete", key, null).statusCode()).isEqualTo(204);

        HttpResponse<String> ended = waiting.get(5, TimeUnit.SECONDS);
        assertThat(ended.statusCode()).isEqualTo(404);
        assertThat(ended.body()).contains("Cache Not Found");
        Thread.sleep(200);
        assertThat(otherCache).as("a long poll on another cache keeps waiting").isNotDone();
        assertThat(http.publishText("bystander", "t", key, "still here").statusCode()).isEqualTo(204);
        assertThat(TernHttp.items(otherCache.get(5, TimeUnit.SECONDS))).hasSize(1);
    }

    @Test
    void aRecreatedCacheHasForgottenItsTopics() {
        tern.createCache("reborn");
        for (int i = 0; i < 3; i++) {
            assertThat(http.publishText("reborn", "t", key, "old" + i).statusCode()).isEqualTo(204);
        }
        long oldPage = TernHttp.items(http.longPoll("reborn", "t", key, 1, 0)).get(0).get("item").get("sequence_page").asLong();
        assertThat(call("DELETE", "/caches/reborn", key, null).statusCode()).isEqualTo(204);
        tern.createCache("reborn");

        assertThat(http.publishText("reborn", "t", key, "new").statusCode()).isEqualTo(204);

        List<JsonNode> items = TernHttp.items(http.longPoll("reborn", "t", key, 1, 0));
        assertThat(items).hasSize(1);
        JsonNode item = items.get(0).get("item");
        assertThat(item.get("topic_sequence_number").asLong()).isEqualTo(1);
        assertThat(item.get("value").get("text").asText()).isEqualTo("new");
        assertThat(item.get("sequence_page").asLong()).isGreaterThan(oldPage);
    }

    @Test
    void aNonSuperUserTokenGets403OnEveryCacheOperation() {
        tern.createCache("guarded");
        String token = tern.mintToken("""
                {"expires_in_seconds": 600, "permissions": [{"role": "publishsubscribe", "cache": "*", "topic": "*"}]}""");

        assertThat(call("PUT", "/caches/by-token", token, null).statusCode()).isEqualTo(403);
        assertThat(call("GET", "/caches", token, null).statusCode()).isEqualTo(403);
        assertThat(call("DELETE", "/caches/guarded", token, null).statusCode()).isEqualTo(403);
        assertThat(listed("guarded")).isNotNull();
        assertThat(listed("by-token")).isNull();
    }

    @Test
    void cacheOperationsWithoutAValidTokenAre401() {
        assertThat(call("GET", "/caches", null, null).statusCode()).isEqualTo(401);
        assertThat(call("PUT", "/caches/anon", "nope", null).statusCode()).isEqualTo(401);
        assertThat(call("DELETE", "/caches/anon", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void aDisposableSuperUserTokenMayManageCaches() {
        String token = tern.mintToken("{\"expires_in_seconds\": 600, \"permissions\": \"super_user\"}");
        assertThat(call("PUT", "/caches/by-disposable", token, null).statusCode()).isEqualTo(201);
        assertThat(call("DELETE", "/caches/by-disposable", token, null).statusCode()).isEqualTo(204);
    }

    @Test
    void listPagesWithNextToken() {
        try (RunningTern paged = RunningTern.start()) {
            List<String> names = List.of("page-a", "page-b", "page-c", "page-d", "page-e");
            names.forEach(paged::createCache);
            java.util.List<String> seen = new java.util.ArrayList<>();
            String next = "";
            int pages = 0;
            do {
                HttpResponse<String> answer = paged.send("GET", "/caches?limit=2" + (next.isEmpty() ? "" : "&next_token=" + next), null, null);
                assertThat(answer.statusCode()).isEqualTo(200);
                JsonNode body = TernHttp.json(answer.body());
                assertThat(body.get("caches").size()).isLessThanOrEqualTo(2);
                body.get("caches").forEach(cache -> seen.add(cache.get("name").asText()));
                next = body.has("next_token") ? body.get("next_token").asText() : "";
                pages++;
            } while (!next.isEmpty());
            assertThat(seen).containsExactlyElementsOf(names);
            assertThat(pages).isEqualTo(3);

            HttpResponse<String> all = paged.send("GET", "/caches", null, null);
            assertThat(TernHttp.json(all.body()).get("caches").size()).isEqualTo(5);
            assertThat(TernHttp.json(all.body()).has("next_token")).isFalse();
            assertThat(paged.send("GET", "/caches?next_token=not-ours!", null, null).statusCode()).isEqualTo(400);
            assertThat(paged.send("GET", "/caches?limit=10001", null, null).statusCode()).isEqualTo(400);
        }
    }
}
