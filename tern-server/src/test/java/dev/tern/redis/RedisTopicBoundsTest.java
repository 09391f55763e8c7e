package dev.tern.redis;

import dev.tern.testing.RunningRedis;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The topic bounds with {@code --engine redis} on a real {@code redis-server} (docs/limits.md): {@code max_topic_count}
 * holds for the cache across nodes, counting topics published to within the idle timeout (a topic with subscribers
 * keeps its place); {@code --max-topics} bounds the topics one node follows for its subscribers.
 */
class RedisTopicBoundsTest {
    private static RunningRedis redis;
    private static RunningTern a;
    private static RunningTern b;

    @BeforeAll
    static void start() {
        redis = RunningRedis.start();
        a = node("--topic-idle-timeout", "3s", "--long-poll-timeout", "20s");
        b = node("--topic-idle-timeout", "3s", "--long-poll-timeout", "20s");
    }

    private static RunningTern node(String... flags) {
        String[] all = new String[flags.length + 4];
        System.arraycopy(new String[]{"--engine", "redis", "--redis-url", redis.url()}, 0, all, 0, 4);
        System.arraycopy(flags, 0, all, 4, flags.length);
        return RunningTern.start(all);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[]{a, b, redis}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // close the others
            }
        }
    }

    @Test
    void aCachesTopicLimitHoldsAcrossNodes() {
        a.createCache("small", "{\"max_topic_count\": 3}");
        a.createCache("roomy");
        TernHttp onA = new TernHttp(a);
        TernHttp onB = new TernHttp(b);
        String key = a.superUserKey();

        assertThat(onA.publishText("small", "t0", key, "m").statusCode()).isEqualTo(204);
        assertThat(onB.publishText("small", "t1", key, "m").statusCode()).isEqualTo(204);
        assertThat(onA.publishText("small", "t2", key, "m").statusCode()).isEqualTo(204);
        for (TernHttp node : new TernHttp[]{onA, onB}) {
            HttpResponse<String> refused = node.publishText("small", "t3", key, "m");
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.body()).contains("cache small holds its limit of 3 topics (max_topic_count)");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        }
        // Existing topics work on every node; other caches are not affected.
        assertThat(onB.publishText("small", "t0", key, "again").statusCode()).isEqualTo(204);
        assertThat(onA.publishText("small", "t1", key, "again").statusCode()).isEqualTo(204);
        assertThat(onB.publishText("roomy", "t3", key, "m").statusCode()).isEqualTo(204);

        // A deleted cache's count goes with its topics: created again, it starts empty.
        assertThat(a.send("DELETE", "/caches/small", null, null).statusCode()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.command("EXISTS", "tern:topic:{small/}:counted").equals(":0"));
        a.createCache("small", "{\"max_topic_count\": 3}");
        for (String topic : new String[]{"n0", "n1", "n2"}) {
            assertThat(onB.publishText("small", topic, key, "m").statusCode()).as(topic).isEqualTo(204);
        }
        assertThat(onA.publishText("small", "n3", key, "m").statusCode()).isEqualTo(429);
    }

    @Test
    void idleTopicsFreeTheirPlacesButATopicWithASubscriberKeepsItsPlace() {
        a.createCache("idle", "{\"max_topic_count\": 3}");
        TernHttp onA = new TernHttp(a);
        TernHttp onB = new TernHttp(b);
        String key = a.superUserKey();
        for (String topic : new String[]{"t0", "t1", "t2"}) {
            assertThat(onA.publishText("idle", topic, key, "m").statusCode()).isEqualTo(204);
        }
        // A subscriber on node B keeps t0 in use while nobody publishes to it.
        double before = onB.subscribers();
        long page = TernHttp.items(onB.longPoll("idle", "t0", key, 1, 0)).get(0).get("item").get("sequence_page").asLong();
        CompletableFuture<HttpResponse<String>> waiting = onB.longPollAsync("idle", "t0", key, 2, page);
        onB.awaitSubscribers((int) before + 1);

        // t1 and t2 go idle (3 s): their places free up.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> onA.publishText("idle", "t3", key, "m").statusCode() == 204);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> onB.publishText("idle", "t4", key, "m").statusCode() == 204);
        // t0 still holds its place (t0, t3, t4): a fourth topic is refused.
        assertThat(onA.publishText("idle", "t5", key, "m").statusCode()).isEqualTo(429);

        // And t0 still works: a publish to it is stored, and its subscriber is answered.
        assertThat(onA.publishText("idle", "t0", key, "for the subscriber").statusCode()).isEqualTo(204);
        assertThat(TernHttp.items(waiting.join()).get(0).get("item").get("value").get("text").asText())
                .isEqualTo("for the subscriber");
    }

    @Test
    void maxTopicsBoundsTheTopicsOneNodeFollowsForItsSubscribers() {
        // Idle for a minute before forgotten: the topics a finished long poll leaves stay followed for the test.
        try (RunningTern limited = node("--max-topics", "2", "--long-poll-timeout", "2s", "--topic-idle-timeout", "60s")) {
            limited.createCache("followed");
            TernHttp http = new TernHttp(limited);
            String key = limited.superUserKey();
            CompletableFuture<HttpResponse<String>> first = http.longPollAsync("followed", "s0", key, 0, 0);
            CompletableFuture<HttpResponse<String>> second = http.longPollAsync("followed", "s1", key, 0, 0);
            // The node follows a topic once its subscriber is attached (on the Redis context): its topics view says so.
            await().atMost(Duration.ofSeconds(10)).until(() -> TernHttp.json(
                    limited.send("GET", "/caches/followed/topics", null, null).body()).get("total").asInt() == 2);

            HttpResponse<String> refused = http.longPoll("followed", "s2", key, 0, 0);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.body()).contains("limit of 2 topics (--max-topics)");
            // The topics it follows still take subscribers, and a publish (which costs the node nothing) is not bounded.
            assertThat(http.longPoll("followed", "s0", key, 0, 0).statusCode()).isEqualTo(200);
            assertThat(first.join().statusCode()).isEqualTo(200);
            assertThat(second.join().statusCode()).isEqualTo(200);
            for (int i = 0; i < 5; i++) {
                assertThat(http.publishText("followed", "p" + i, key, "m").statusCode()).isEqualTo(204);
            }
        }
    }
}
