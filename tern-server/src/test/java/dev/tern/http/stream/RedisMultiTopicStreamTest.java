package dev.tern.http.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningRedis;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The multi-topic event stream with --engine redis: named topics across nodes; prefixes are refused (not yet). */
class RedisMultiTopicStreamTest {
    private static RunningRedis redis;
    private static RunningTern a;
    private static RunningTern b;

    @BeforeAll
    static void startNodes() {
        redis = RunningRedis.start();
        a = RunningTern.start("--engine", "redis", "--redis-url", redis.url());
        b = RunningTern.start("--engine", "redis", "--redis-url", redis.url());
        a.createCache("rm");
    }

    @AfterAll
    static void stopNodes() {
        b.close();
        a.close();
        redis.close();
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
    void aPrefixIsRefusedWithABadRequest() {
        HttpResponse<InputStream> response = SseTestClient.open(b, "/caches/rm/events?prefix=room-&token="
                + TernHttp.urlEncode(a.superUserKey()));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(SseTestClient.bodyOf(response)).contains("prefix");
    }
}
