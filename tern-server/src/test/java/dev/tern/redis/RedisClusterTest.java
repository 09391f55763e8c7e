package dev.tern.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningRedisCluster;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two Tern nodes on a Redis Cluster of three masters: topics spread over the shards, sharded pub/sub between nodes. */
class RedisClusterTest {
    private static RunningRedisCluster cluster;
    private static RunningTern a;
    private static RunningTern b;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        cluster = RunningRedisCluster.start();
        a = RunningTern.start("--engine", "redis", "--redis-url", cluster.seedUrls(), "--long-poll-timeout", "5s");
        b = RunningTern.start("--engine", "redis", "--redis-url", cluster.masters().get(1).url(), "--long-poll-timeout", "5s");
        a.createCache("sharded");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {a, b, cluster}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // keep closing the others
            }
        }
    }

    private int publish(RunningTern node, String topic, String text) {
        HttpRequest request = HttpRequest.newBuilder(node.uri("/topics/sharded/" + topic)).timeout(Duration.ofSeconds(10))
                .header("Authorization", node.superUserKey()).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(text)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void aPrefixIsRefusedOnAClusterWhereNoNodeCanListTheTopics() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(b.uri("/caches/sharded/events?prefix=room-"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", b.superUserKey())
                .header("Accept", "text/event-stream").GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("Redis Cluster");
    }

    @Test
    void topicsOnEveryShardDeliverLiveAcrossNodes() {
        for (int t = 0; t < 9; t++) {
            String topic = "live-" + t;
            TopicFollower follower = new TopicFollower("sharded", topic, b.superUserKey());
            follower.next = 0;
            CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> follower.poll(b));
            RedisNodesTest.sleep(200);
            assertThat(publish(a, topic, "to " + topic)).isEqualTo(204);
            assertThat(waiting.join()).isEqualTo(200);
            assertThat(follower.values).as(topic).containsExactly("to " + topic);
        }
    }

    @Test
    void concurrentPublishersOnTwoNodesGetContiguousNumbersOnEveryShard() throws Exception {
        List<String> topics = List.of("race-a", "race-b", "race-c", "race-d", "race-e", "race-f");
        List<CompletableFuture<Set<String>>> publishers = new ArrayList<>();
        for (RunningTern node : List.of(a, b)) {
            publishers.add(CompletableFuture.supplyAsync(() -> {
                Set<String> sent = new HashSet<>();
                for (int i = 0; i < 20; i++) {
                    for (String topic : topics) {
                        String value = node.port() + "-" + i;
                        assertThat(publish(node, topic, value)).isEqualTo(204);
                        sent.add(topic + "/" + value);
                    }
                }
                return sent;
            }));
        }
        Set<String> sent = new HashSet<>();
        for (CompletableFuture<Set<String>> publisher : publishers) {
            sent.addAll(publisher.get());
        }
        Set<String> received = new HashSet<>();
        for (String topic : topics) {
            TopicFollower follower = new TopicFollower("sharded", topic, a.superUserKey());
            follower.pollUntil(() -> follower.values.size() >= 40, Duration.ofSeconds(20), a, b);
            assertThat(follower.violations).as(topic).isEmpty();
            assertThat(follower.discontinuities).as(topic).isEmpty();
            assertThat(follower.next).as(topic).isEqualTo(41);
            follower.values.forEach(value -> received.add(topic + "/" + value));
        }
        assertThat(received).isEqualTo(sent);
    }

    /**
     * Topic introspection on a cluster: the figures of one cache's topics share a slot, each topic's state is read
     * from its own shard, and both nodes' subscribers and publishes are summed.
     */
    @Test
    void topicFiguresAreSummedAcrossNodesWhateverShardHoldsTheTopic() throws Exception {
        a.createCache("figures");
        List<String> topics = List.of("fig-a", "fig-b", "fig-c", "fig-d", "fig-e", "fig-f");
        HttpRequest stream = HttpRequest.newBuilder(b.uri("/topics/figures/fig-a?token=" + b.superUserKey()))
                .header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> sse = http.send(stream, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream events = sse.body()) {
            assertThat(sse.statusCode()).isEqualTo(200);
            for (String topic : topics) {
                assertThat(publishTo(a, "figures", topic, "from a")).isEqualTo(204);
                assertThat(publishTo(b, "figures", topic, "from b")).isEqualTo(204);
            }
            for (RunningTern node : List.of(a, b)) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    HttpResponse<String> answer = node.send("GET", "/caches/figures/topics?sort=name", null, null);
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                    JsonNode list = TernHttp.json(answer.body());
                    assertThat(list.path("scope").asText()).isEqualTo("cluster");
                    assertThat(list.path("nodes").asInt()).isEqualTo(2);
                    assertThat(list.path("topics").findValuesAsText("topic")).containsExactlyElementsOf(topics);
                    for (JsonNode topic : list.path("topics")) {
                        assertThat(topic.path("last_sequence_number").asLong()).as(topic.toString()).isEqualTo(2);
                        assertThat(topic.path("history_messages").asLong()).as(topic.toString()).isEqualTo(2);
                        assertThat(topic.path("history_bytes").asLong()).as(topic.toString()).isEqualTo(12);
                        assertThat(topic.path("publishes_per_second").asDouble()).as(topic.toString())
                                .isEqualTo(Math.round(2 / 60.0 * 1000) / 1000.0);
                    }
                    assertThat(list.path("topics").get(0).path("subscribers").path("sse").asInt()).isEqualTo(1);
                });
            }
        }
    }

    private int publishTo(RunningTern node, String cache, String topic, String text) {
        return node.send("POST", "/topics/" + cache + "/" + topic, "text/plain", text).statusCode();
    }
}
