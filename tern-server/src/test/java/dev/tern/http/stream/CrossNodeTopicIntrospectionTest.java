package dev.tern.http.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningRedis;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import dev.tern.testing.TernProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Topic introspection on Redis answers for the whole cluster: every node's subscribers and publishes summed, page,
 * sequence and history as Redis holds them, whichever node is asked; a node that dies drops out within the figures'
 * time to live (3 s).
 */
class CrossNodeTopicIntrospectionTest {
    private static RunningRedis redis;
    private static RunningTern a;
    private static RunningTern b;

    @BeforeAll
    static void start() {
        redis = RunningRedis.start();
        a = RunningTern.start("--engine", "redis", "--redis-url", redis.url(), "--long-poll-timeout", "60s");
        b = RunningTern.start("--engine", "redis", "--redis-url", redis.url(), "--long-poll-timeout", "60s");
        a.createCache("fleet");
        a.createCache("doomed");
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

    @Test
    void everyNodeAnswersWithTheSubscribersAndPublishesOfAllNodesSummed() {
        try (SseTestClient sse = SseTestClient.subscribe(a, "/topics/fleet/shared?token=" + a.superUserKey());
             WebSocketTestClient socket = WebSocketTestClient.connect(b, "/topics/fleet/shared?token=" + b.superUserKey())) {
            for (String text : new String[] {"a1", "a2", "a3"}) {
                publish(a, "fleet", "shared", text);
            }
            for (String text : new String[] {"b1", "b2", "b3"}) {
                publish(b, "fleet", "shared", text);
            }
            publish(b, "fleet", "unwatched", "x");
            sse.next(6);

            for (RunningTern node : new RunningTern[] {a, b}) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    JsonNode list = get(node, "/caches/fleet/topics");
                    assertThat(list.path("scope").asText()).isEqualTo("cluster");
                    assertThat(list.path("nodes").asInt()).isEqualTo(2);
                    assertThat(list.path("total").asInt()).isEqualTo(2);
                    JsonNode shared = list.path("topics").get(0);
                    assertThat(shared.path("topic").asText()).as("the most active first").isEqualTo("shared");
                    assertThat(shared.path("subscribers").path("total").asInt()).isEqualTo(2);
                    assertThat(shared.path("subscribers").path("sse").asInt()).isEqualTo(1);
                    assertThat(shared.path("subscribers").path("websocket").asInt()).isEqualTo(1);
                    assertThat(shared.path("publishes_per_second").asDouble()).as("six publishes in the last minute, each counted once")
                            .isEqualTo(0.1);
                    assertThat(shared.path("last_sequence_number").asLong()).isEqualTo(6);
                    assertThat(shared.path("sequence_page").asLong()).isPositive();
                    assertThat(shared.path("history_messages").asLong()).isEqualTo(6);
                    assertThat(shared.path("history_bytes").asLong()).isEqualTo(12);
                    assertThat(shared.path("idle_ms").asLong()).isNotNegative();
                    JsonNode unwatched = list.path("topics").get(1);
                    assertThat(unwatched.path("topic").asText()).isEqualTo("unwatched");
                    assertThat(unwatched.path("subscribers").path("total").asInt()).isZero();
                    assertThat(unwatched.path("last_sequence_number").asLong()).isEqualTo(1);
                });
            }
            JsonNode one = get(a, "/caches/fleet/topics/shared");
            assertThat(one.path("scope").asText()).isEqualTo("cluster");
            assertThat(one.path("subscribers").path("total").asInt()).isEqualTo(2);
            assertThat(one.path("history_messages").asLong()).isEqualTo(6);

            socket.close();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    get(a, "/caches/fleet/topics/shared").path("subscribers").path("websocket").asInt() == 0);
            assertThat(get(a, "/caches/fleet/topics/shared").path("subscribers").path("sse").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aKilledNodesFiguresVanishWithinTheirTimeToLive() throws Exception {
        try (TernProcess doomed = TernProcess.start("--engine", "redis", "--redis-url", redis.url(), "--long-poll-timeout", "60s")) {
            HttpClient http = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<String>> poll = http.sendAsync(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + doomed.port() + "/topics/doomed/watched"))
                    .header("Authorization", a.superUserKey()).timeout(Duration.ofSeconds(90)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            try (SseTestClient sse = SseTestClient.subscribe(a, "/topics/doomed/watched?token=" + a.superUserKey())) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    JsonNode watched = get(a, "/caches/doomed/topics/watched");
                    assertThat(watched.path("nodes").asInt()).isEqualTo(2);
                    assertThat(watched.path("subscribers").path("long_poll").asInt()).isEqualTo(1);
                    assertThat(watched.path("subscribers").path("sse").asInt()).isEqualTo(1);
                });
                doomed.kill();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    JsonNode watched = get(a, "/caches/doomed/topics/watched");
                    assertThat(watched.path("nodes").asInt()).isEqualTo(1);
                    assertThat(watched.path("subscribers").path("long_poll").asInt()).isZero();
                    assertThat(watched.path("subscribers").path("sse").asInt()).isEqualTo(1);
                });
            }
            poll.cancel(true);
        }
    }

    private static void publish(RunningTern node, String cache, String topic, String text) {
        assertThat(node.send("POST", "/topics/" + cache + "/" + topic, "text/plain", text).statusCode()).isEqualTo(204);
    }

    private static JsonNode get(RunningTern node, String path) {
        HttpResponse<String> response = node.send("GET", path, null, null);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return TernHttp.json(response.body());
    }
}
