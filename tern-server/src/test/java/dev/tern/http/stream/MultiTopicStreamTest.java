package dev.tern.http.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.pubsub.MultiTopicSubscription;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /caches/{cache}/events}: many topics, by name and by prefix, on one Server-Sent Events stream. */
class MultiTopicStreamTest {
    private static RunningTern tern;
    private static TernHttp http;
    private static String token;

    @BeforeAll
    static void start() {
        tern = RunningTern.start("--history-messages", "3");
        http = new TernHttp(tern);
        token = "token=" + TernHttp.urlEncode(tern.superUserKey());
        tern.createCache("m");
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    private static void publish(String topic, String text) {
        assertThat(http.publishText("m", topic, tern.superUserKey(), text).statusCode()).isEqualTo(204);
    }

    private static JsonNode data(SseParser.Event event) {
        assertThat(event.type()).isEqualTo("message");
        return TernHttp.json(event.data());
    }

    private static String text(JsonNode data) {
        return data.get("topic").asText() + "/" + data.get("item").get("value").get("text").asText();
    }

    private static int status(String pathAndQuery, String... headers) {
        HttpResponse<InputStream> response = SseTestClient.open(tern, pathAndQuery, headers);
        SseTestClient.bodyOf(response);
        return response.statusCode();
    }

    /** Waits until the server has {@code count} subscriptions more than before (the stream is live). */
    private static void awaitLive(double before, int count) {
        http.awaitSubscribers((int) before + count);
    }

    @Test
    void namedTopicsArriveOnOneStreamEachEventNamingItsTopic() {
        double before = http.subscribers();
        try (SseTestClient stream = SseTestClient.subscribe(tern, "/caches/m/events?topic=a&topic=b&" + token)) {
            awaitLive(before, 2);
            publish("a", "a1");
            publish("b", "b1");
            publish("a", "a2");
            publish("c", "not followed");
            List<String> got = new ArrayList<>();
            for (SseParser.Event event : stream.next(3)) {
                got.add(text(data(event)));
            }
            assertThat(got).containsExactly("a/a1", "b/b1", "a/a2");
        }
    }

    @Test
    void lastEventIdResumesEveryTopicWithoutLossAndWithPerTopicDiscontinuities() {
        double before = http.subscribers();
        String lastId;
        try (SseTestClient stream = SseTestClient.subscribe(tern, "/caches/m/events?topic=r1&topic=r2&topic=r3&" + token)) {
            awaitLive(before, 3);
            publish("r1", "x1");
            publish("r2", "y1");
            lastId = stream.next(2).get(1).lastEventId();
        }
        http.awaitSubscribers((int) before);
        publish("r1", "x2");
        publish("r2", "y2");
        publish("r3", "z1"); // r3 had no message while connected: its probed position is in the id too
        for (int i = 3; i <= 7; i++) {
            publish("r2", "y" + i); // r2 loses y2..y4 beyond its history of 3
        }
        try (SseTestClient stream = SseTestClient.subscribe(tern, "/caches/m/events?topic=r1&topic=r2&topic=r3&" + token,
                "Last-Event-ID", lastId)) {
            List<String> got = new ArrayList<>();
            for (SseParser.Event event : stream.next(6)) {
                JsonNode data = data(event);
                if (data.has("discontinuity")) {
                    got.add(data.get("topic").asText() + "/gap after " + data.get("discontinuity").get("last_topic_sequence")
                            + " to " + data.get("discontinuity").get("new_topic_sequence"));
                } else {
                    got.add(text(data));
                }
            }
            assertThat(got).containsExactly("r1/x2", "r2/gap after 1 to 5", "r2/y5", "r2/y6", "r2/y7", "r3/z1");
        }
    }

    @Test
    void aPrefixFollowsTopicsThatAppearAfterTheStreamOpened() {
        publish("room-old", "before");
        double before = http.subscribers();
        try (SseTestClient stream = SseTestClient.subscribe(tern, "/caches/m/events?prefix=room-&" + token)) {
            awaitLive(before, 1);
            publish("room-old", "after");
            assertThat(text(data(stream.next()))).isEqualTo("room-old/after");
            publish("room-new", "first message of a new topic");
            publish("roomy", "outside the prefix");
            publish("room-new", "second");
            assertThat(text(data(stream.next()))).isEqualTo("room-new/first message of a new topic");
            assertThat(text(data(stream.next()))).isEqualTo("room-new/second");
        }
    }

    @Test
    void aStreamOfPrefixesAloneEndsWhenItsCacheIsDeleted() throws Exception {
        tern.createCache("m-gone");
        try (SseTestClient stream = SseTestClient.subscribe(tern, "/caches/m-gone/events?prefix=room-&" + token)) {
            assertThat(tern.send("DELETE", "/caches/m-gone", null, null).statusCode()).isEqualTo(204);
            JsonNode end = data(stream.next());
            assertThat(end.get("end").get("reason").asText()).isEqualTo("cache_deleted");
            assertThat(end.get("end").get("status").asInt()).isEqualTo(404);
            assertThat(stream.awaitEnd(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void aPrefixNeedsATokenWhoseScopeCoversItAndTopicsOutsideItAreRefused() throws Exception {
        String rooms = "token=" + TernHttp.urlEncode(tern.mintToken("{\"expires_in_seconds\":600,\"permissions\":"
                + "[{\"role\":\"subscribeonly\",\"cache\":\"m\",\"topic\":{\"prefix\":\"chat-\"}},"
                + "{\"role\":\"subscribeonly\",\"cache\":\"m\",\"topic\":\"lobby\"}]}"));
        assertThat(status("/caches/m/events?prefix=cha&" + rooms)).isEqualTo(403);
        assertThat(status("/caches/m/events?prefix=lobby&" + rooms)).isEqualTo(403);
        assertThat(status("/caches/m/events?topic=secret&" + rooms)).isEqualTo(403);
        assertThat(status("/caches/m/events?prefix=chat-&topic=secret&" + rooms)).isEqualTo(403);
        double before = http.subscribers();
        try (SseTestClient stream = SseTestClient.subscribe(tern, "/caches/m/events?prefix=chat-eu-&topic=lobby&" + rooms)) {
            awaitLive(before, 1);
            publish("chat-us-1", "not under the prefix asked for");
            publish("chat-eu-1", "hi");
            publish("lobby", "welcome");
            // Order holds within a topic only: the two topics may arrive either way round.
            assertThat(List.of(text(data(stream.next())), text(data(stream.next()))))
                    .containsExactlyInAnyOrder("chat-eu-1/hi", "lobby/welcome");
            assertThat(stream.poll(Duration.ofMillis(300))).isNull();
        }
    }

    @Test
    void badRequestsAreClearClientErrors() {
        StringBuilder many = new StringBuilder("/caches/m/events?" + token);
        for (int i = 0; i <= MultiTopicSubscription.MAX_TOPICS; i++) {
            many.append("&topic=t").append(i);
        }
        StringBuilder prefixes = new StringBuilder("/caches/m/events?" + token);
        for (int i = 0; i <= MultiTopicSubscription.MAX_PREFIXES; i++) {
            prefixes.append("&prefix=p").append(i).append('-');
        }
        StringBuilder tenThousand = new StringBuilder("/caches/m/events?" + token);
        for (int i = 0; i < 10_000; i++) {
            tenThousand.append("&topic=t").append(i);
        }
        assertThat(status("/caches/m/events?" + token)).isEqualTo(400);
        assertThat(status("/caches/m/events?prefix=&" + token)).isEqualTo(400);
        assertThat(status("/caches/m/events?topic=a&colour=red&" + token)).isEqualTo(400);
        assertThat(status("/caches/m/events?topic=a,b&" + token)).isEqualTo(400);
        assertThat(status("/caches/m/events?topic=&" + token)).isEqualTo(400);
        assertThat(status(many.toString())).isEqualTo(400);
        assertThat(status(prefixes.toString())).isEqualTo(400);
        assertThat(status(tenThousand.toString())).isBetween(400, 431);
        assertThat(status("/caches/m/events?topic=a&" + token, "Last-Event-ID", "1:2")).isEqualTo(400);
        assertThat(status("/caches/m/events?topic=a")).isEqualTo(401);
        assertThat(status("/caches/none/events?topic=a&" + token)).isEqualTo(404);
        assertThat(status("/caches/none/events?prefix=a&" + token)).isEqualTo(404);
    }

    @Test
    void everyTopicCountsAgainstTheSubscriptionLimit() {
        tern.createCache("m-small", "{\"max_subscription_count\": 2}");
        HttpResponse<InputStream> refused = SseTestClient.open(tern, "/caches/m-small/events?topic=a&topic=b&topic=c&" + token);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(SseTestClient.bodyOf(refused)).contains("subscription");
        // The refusal released what it had taken: two topics still fit.
        try (SseTestClient ok = SseTestClient.subscribe(tern, "/caches/m-small/events?topic=a&topic=b&" + token)) {
            assertThat(ok.response().statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aTopicBeyondTheConnectionLimitIsRefusedOnTheStreamAndTheOthersGoOn() {
        tern.createCache("m-wide");
        StringBuilder path = new StringBuilder("/caches/m-wide/events?prefix=late-&" + token);
        for (int i = 0; i < MultiTopicSubscription.MAX_TOPICS; i++) {
            path.append("&topic=t").append(i);
        }
        double before = http.subscribers();
        try (SseTestClient stream = SseTestClient.subscribe(tern, path.toString())) {
            awaitLive(before, MultiTopicSubscription.MAX_TOPICS);
            assertThat(http.publishText("m-wide", "late-1", tern.superUserKey(), "x").statusCode()).isEqualTo(204);
            JsonNode refused = data(stream.next());
            assertThat(refused.get("topic").asText()).isEqualTo("late-1");
            assertThat(refused.get("error").get("status").asInt()).isEqualTo(429);
            assertThat(http.publishText("m-wide", "t7", tern.superUserKey(), "still here").statusCode()).isEqualTo(204);
            assertThat(text(data(stream.next()))).isEqualTo("t7/still here");
        }
    }
}
