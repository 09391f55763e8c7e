package dev.tern.http.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.CapturedLog;
import dev.tern.testing.RunningRedis;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The multi-topic event stream with --engine redis: named topics and prefixes across nodes. The nodes' log, their
 * stop included, has no ERROR line.
 */
class RedisMultiTopicStreamTest {
    private static CapturedLog log;
    private static RunningRedis redis;
    private static RunningTern a;
    private static RunningTern b;

    @BeforeAll
    static void startNodes() {
        log = CapturedLog.start();
        redis = RunningRedis.start();
        a = RunningTern.start("--engine", "redis", "--redis-url", redis.url());
        b = RunningTern.start("--engine", "redis", "--redis-url", redis.url());
        a.createCache("rm");
    }

    @AfterAll
    static void stopNodes() {
        try (CapturedLog captured = log) {
            b.close();
            a.close();
            redis.close();
            assertThat(captured.errorLines()).as("ERROR lines").isEmpty();
        }
    }

    @Test
    void namedTopicsPublishedOnOneNodeArriveOnAStreamOfTheOtherAndResume() {
        String token = "token=" + TernHttp.urlEncode(a.superUserKey());
        TernHttp onA = new TernHttp(a);
        TernHttp onB = new TernHttp(b);
        String lastId;
        try (SseTestClient stream = SseTestClient.subscribe(b, "/caches/rm/events?topic=x&topic=y&" + token)) {
            onB.awaitSubscribers(2);
            // With Redis a named topic starts where the node reads it when its subscription attaches, just after.
            onA.publishText("rm", "x", a.superUserKey(), "x1");
            onA.publishText("rm", "y", a.superUserKey(), "y1");
            List<SseParser.Event> events = stream.next(2);
            List<String> got = new ArrayList<>();
            for (SseParser.Event event : events) {
                JsonNode data = TernHttp.json(event.data());
                got.add(data.get("topic").asText() + "/" + data.get("item").get("value").get("text").asText());
            }
            assertThat(got).containsExactlyInAnyOrder("x/x1", "y/y1");
            lastId = events.get(1).lastEventId();
        }
        onA.publishText("rm", "x", a.superUserKey(), "x2");
        onA.publishText("rm", "y", a.superUserKey(), "y2");
        try (SseTestClient stream = SseTestClient.subscribe(b, "/caches/rm/events?topic=x&topic=y&" + token,
                "Last-Event-ID", lastId)) {
            List<String> got = new ArrayList<>();
            for (SseParser.Event event : stream.next(2)) {
                JsonNode data = TernHttp.json(event.data());
                got.add(data.get("topic").asText() + "/" + data.get("item").get("value").get("text").asText());
            }
            assertThat(got).containsExactlyInAnyOrder("x/x2", "y/y2");
        }
    }

    @Test
    void aPrefixOnOneNodeFollowsTopicsThereAndTopicsCreatedOnTheOtherNode() throws Exception {
        a.createCache("rp");
        String key = a.superUserKey();
        TernHttp onA = new TernHttp(a);
        TernHttp onB = new TernHttp(b);
        assertThat(onA.publishText("rp", "room-old", key, "before").statusCode()).isEqualTo(204);
        double before = onB.subscribers();
        try (SseTestClient stream = SseTestClient.subscribe(b, "/caches/rp/events?prefix=room-&token="
                + TernHttp.urlEncode(key))) {
            // room-old is found by listing the cache's topics in Redis; B listens for new topics before it lists.
            onB.awaitSubscribers((int) before + 1);
            // A topic there when the stream opened is followed live, from where node B read it (just after).
            String seen = null;
            for (int i = 0; seen == null && i < 50; i++) {
                assertThat(onA.publishText("rp", "room-old", key, "live " + i).statusCode()).isEqualTo(204);
                SseParser.Event event = stream.poll(Duration.ofMillis(200));
                seen = event == null ? null : text(event);
            }
            assertThat(seen).startsWith("room-old/live ");
            // Topics created on node A after the stream opened: from their first message, in order.
            assertThat(onA.publishText("rp", "room-new", key, "n1").statusCode()).isEqualTo(204);
            assertThat(onA.publishText("rp", "roomy", key, "outside the prefix").statusCode()).isEqualTo(204);
            assertThat(onA.publishText("rp", "room-new", key, "n2").statusCode()).isEqualTo(204);
            assertThat(onA.publishText("rp", "room-old", key, "last").statusCode()).isEqualTo(204);
            List<String> got = new ArrayList<>();
            while (got.size() < 3) {
                String next = text(stream.next());
                if (!next.startsWith("room-old/live ")) { // later messages of the loop above
                    got.add(next);
                }
            }
            assertThat(got.stream().filter(t -> t.startsWith("room-new/")).toList())
                    .containsExactly("room-new/n1", "room-new/n2");
            assertThat(got).contains("room-old/last");
            // Only a node with a prefix watcher listens for the cache's new topics: node B, not node A.
            assertThat(redis.command("PUBLISH", "tern:topics:{rp}", "not-a-room")).isEqualTo(":1");
        }
        // The last watcher gone, node B stops listening.
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> redis.command("PUBLISH", "tern:topics:{rp}", "not-a-room").equals(":0"));
    }

    @Test
    void aStreamOfPrefixesAloneEndsWhenItsCacheIsDeletedOnTheOtherNode() throws Exception {
        // A multi-topic WebSocket that follows nothing ends with the same deletion. One deletion in this class: a
        // deletion announced by another node stalls node B's Redis event loop until the Redis timeout (its webhook
        // registry waits there for Redis, WebhookRegistry.deleteCache), which delays the next test's subscriptions.
        a.createCache("rgone");
        String token = "token=" + TernHttp.urlEncode(a.superUserKey());
        try (SseTestClient stream = SseTestClient.subscribe(b, "/caches/rgone/events?prefix=room-&" + token);
             WebSocketTestClient socket = WebSocketTestClient.connect(b, "/caches/rgone/socket?" + token)) {
            assertThat(socket.next().has("heartbeat")).isTrue();
            assertThat(a.send("DELETE", "/caches/rgone", null, null).statusCode()).isEqualTo(204);
            JsonNode end = TernHttp.json(stream.next().data());
            assertThat(end.get("end").get("reason").asText()).isEqualTo("cache_deleted");
            assertThat(stream.awaitEnd(Duration.ofSeconds(5))).isTrue();
            assertThat(socket.awaitClose().code()).as("the socket following nothing").isEqualTo(4404);
        }
    }

    private static String text(SseParser.Event event) {
        JsonNode data = TernHttp.json(event.data());
        return data.get("topic").asText() + "/" + data.get("item").get("value").get("text").asText();
    }
}
