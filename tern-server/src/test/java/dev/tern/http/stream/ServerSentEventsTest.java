package dev.tern.http.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.testing.RunningTern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Server-Sent Events on GET /topics/{cache}/{topic}, read with a spec-following parser over a real HTTP client. */
class ServerSentEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private RunningTern tern;

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    private void publishText(String topicPath, String text) {
        assertThat(tern.send("POST", "/topics/" + topicPath, "text/plain; charset=utf-8", text).statusCode()).isEqualTo(204);
    }

    private String key() {
        return "token=" + tern.superUserKey();
    }

    @Test
    void streamsTextAndBinaryInOrderWithPageAndSequenceIds() throws Exception {
        tern = RunningTern.start();
        tern.createCache("c");
        try (SseTestClient stream = SseTestClient.subscribe(tern, "/topics/c/t?" + key())) {
            assertThat(stream.response().headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            publishText("c/t", "first");
            publishText("c/t", "two\nlines");
            publishText("c/t", "crlf\r\nand\rcr\n");
            publishText("c/t", "");
            publishText("c/t", "  leading spaces: kept");
            assertThat(tern.send("POST", "/topics/c/t", "application/octet-stream", "raw-bytes").statusCode()).isEqualTo(204);
            for (int i = 7; i <= 30; i++) {
                publishText("c/t", "n" + i);
            }

            List<SseParser.Event> events = stream.next(30);
            String page = events.get(0).lastEventId().split(":")[0];
            assertThat(Long.parseLong(page)).isPositive();
            for (int i = 0; i < 30; i++) {
                assertThat(events.get(i).lastEventId()).isEqualTo(page + ":" + (i + 1));
            }
            assertThat(events.get(0).type()).isEqualTo("text");
            assertThat(events.get(0).data()).isEqualTo("first");
            assertThat(events.get(1).data()).isEqualTo("two\nlines");
            assertThat(events.get(2).data()).as("line breaks arrive as LF, as EventSource reads them").isEqualTo("crlf\nand\ncr\n");
            assertThat(events.get(3).type()).isEqualTo("text");
            assertThat(events.get(3).data()).isEmpty();
            assertThat(events.get(4).data()).isEqualTo("  leading spaces: kept");
            assertThat(events.get(5).type()).isEqualTo("binary");
            assertThat(Base64.getDecoder().decode(events.get(5).data())).isEqualTo("raw-bytes".getBytes(StandardCharsets.UTF_8));
            assertThat(events.get(29).data()).isEqualTo("n30");
            assertThat(stream.retries).containsExactly(2000L);
        }
    }

    @Test
    void publisherIdIsAFieldEventSourceIgnoresAndIsInTheJsonFormat() throws Exception {
        tern = RunningTern.start();
        tern.createCache("c");
        String alice = tern.mintToken("{\"expires_in_seconds\":600,\"token_id\":\"alice\","
                + "\"permissions\":[{\"role\":\"publishsubscribe\",\"cache\":\"c\",\"topic\":\"*\"}]}");
        try (SseTestClient events = SseTestClient.subscribe(tern, "/topics/c/t?" + key());
             SseTestClient json = SseTestClient.subscribe(tern, "/topics/c/t?format=json&" + key())) {
            HttpResponse<String> published = tern.http().send(java.net.http.HttpRequest.newBuilder(tern.uri("/topics/c/t"))
                    .header("Authorization", "Bearer " + alice).header("Content-Type", "text/plain")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("hi\nthere")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(published.statusCode()).isEqualTo(204);

            SseParser.Event event = events.next();
            assertThat(event.type()).isEqualTo("text");
            assertThat(event.data()).isEqualTo("hi\nthere");
            assertThat(event.otherFields()).containsEntry("publisher_id", "alice");

            SseParser.Event asJson = json.next();
            assertThat(asJson.type()).as("plain messages reach EventSource.onmessage").isEqualTo("message");
            assertThat(asJson.lastEventId()).isEqualTo(event.lastEventId());
            JsonNode item = JSON.readTree(asJson.data()).get("item");
            assertThat(item.get("value").get("text").asText()).isEqualTo("hi\nthere");
            assertThat(item.get("publisher_id").asText()).isEqualTo("alice");
            assertThat(item.get("topic_sequence_number").asLong()).isEqualTo(1);
            assertThat(event.lastEventId()).isEqualTo(item.get("sequence_page").asLong() + ":1");
        }
    }

    @Test
    void lastEventIdResumesAfterThatEventWithinHistory() throws Exception {
        tern = RunningTern.start("--history-messages", "5");
        tern.createCache("c");
        String page;
        try (SseTestClient first = SseTestClient.subscribe(tern, "/topics/c/t?" + key())) {
            for (int i = 1; i <= 4; i++) {
                publishText("c/t", "m" + i);
            }
            List<SseParser.Event> seen = first.next(4);
            page = seen.get(0).lastEventId().split(":")[0];
        }
        // The query asks for live only; Last-Event-ID (what a reconnecting EventSource sends) wins.
        try (SseTestClient resumed = SseTestClient.subscribe(tern, "/topics/c/t?sequence_number=0&" + key(),
                "Last-Event-ID", page + ":2")) {
            List<SseParser.Event> replay = resumed.next(2);
            assertThat(replay).extracting(SseParser.Event::data).containsExactly("m3", "m4");
            assertThat(replay).extracting(SseParser.Event::type).containsOnly("text");
            publishText("c/t", "m5");
            assertThat(resumed.next().lastEventId()).isEqualTo(page + ":5");
        }
    }

    @Test
    void resumingBeyondHistoryStartsWithADiscontinuityEvent() throws Exception {
        tern = RunningTern.start("--history-messages", "3");
        tern.createCache("c");
        for (int i = 1; i <= 10; i++) {
            publishText("c/t", "m" + i);
        }
        String page = pageOf("c/t");
        try (SseTestClient resumed = SseTestClient.subscribe(tern, "/topics/c/t?" + key(), "Last-Event-ID", page + ":2")) {
            SseParser.Event gap = resumed.next();
            assertThat(gap.type()).isEqualTo("discontinuity");
            JsonNode body = JSON.readTree(gap.data());
            assertThat(body.get("last_topic_sequence").asLong()).isEqualTo(2);
            assertThat(body.get("new_topic_sequence").asLong()).isEqualTo(8);
            assertThat(body.get("new_sequence_page").asText()).isEqualTo(page);
            assertThat(gap.lastEventId()).as("a reconnect after the gap does not report it again").isEqualTo(page + ":7");
            assertThat(resumed.next(3)).extracting(SseParser.Event::data).containsExactly("m8", "m9", "m10");
        }
        // An unknown page (e.g. from before a restart) resumes on the current page after a discontinuity.
        try (SseTestClient otherPage = SseTestClient.subscribe(tern, "/topics/c/t?" + key(), "Last-Event-ID", "12345:9")) {
            SseParser.Event gap = otherPage.next();
            assertThat(gap.type()).isEqualTo("discontinuity");
            assertThat(JSON.readTree(gap.data()).get("new_sequence_page").asText()).isEqualTo(page);
            assertThat(otherPage.next().data()).isEqualTo("m8");
        }
        // The query form, as for the long poll: sequence_number is the next one wanted.
        try (SseTestClient byQuery = SseTestClient.subscribe(tern,
                "/topics/c/t?sequence_number=9&sequence_page=" + page + "&" + key())) {
            assertThat(byQuery.next(2)).extracting(SseParser.Event::data).containsExactly("m9", "m10");
        }
        // The JSON format carries the same discontinuity in the long-poll shape.
        try (SseTestClient json = SseTestClient.subscribe(tern, "/topics/c/t?format=json&" + key(),
                "Last-Event-ID", page + ":1")) {
            JsonNode gap = JSON.readTree(json.next().data()).get("discontinuity");
            assertThat(gap.get("last_topic_sequence").asLong()).isEqualTo(1);
            assertThat(gap.get("new_topic_sequence").asLong()).isEqualTo(8);
        }
    }

    /** The topic's page, learned from a long poll for its first retained message. */
    private String pageOf(String topicPath) throws Exception {
        HttpResponse<String> poll = tern.send("GET", "/topics/" + topicPath + "?sequence_number=1", null, null);
        JsonNode items = JSON.readTree(poll.body()).get("items");
        for (JsonNode entry : items) {
            if (entry.has("discontinuity")) {
                return entry.get("discontinuity").get("new_sequence_page").asText();
            }
            if (entry.has("item")) {
                return entry.get("item").get("sequence_page").asText();
            }
        }
        throw new AssertionError("no page in " + poll.body());
    }

    @Test
    void idleStreamsGetCommentHeartbeatsAndTheConfiguredRetryHint() throws Exception {
        tern = RunningTern.start("--sse-heartbeat-interval", "200ms", "--sse-retry", "1500ms");
        tern.createCache("c");
        try (SseTestClient stream = SseTestClient.subscribe(tern, "/topics/c/t?" + key())) {
            assertThat(stream.poll(Duration.ofMillis(1100))).as("heartbeats are not events").isNull();
            assertThat(stream.comments.stream().filter("heartbeat"::equals).count()).isGreaterThanOrEqualTo(3);
            assertThat(stream.retries).containsExactly(1500L);
        }
    }

    @Test
    void refusalsAreHttpErrorsBeforeTheStreamStarts() throws Exception {
        tern = RunningTern.start();
        tern.createCache("c");
        tern.createCache("limited", "{\"max_subscription_count\":1}");
        String otherCacheOnly = tern.mintToken("{\"expires_in_seconds\":600,"
                + "\"permissions\":[{\"role\":\"subscribeonly\",\"cache\":\"other\",\"topic\":\"*\"}]}");
        String publishOnly = tern.mintToken("{\"expires_in_seconds\":600,"
                + "\"permissions\":[{\"role\":\"publishonly\",\"cache\":\"c\",\"topic\":\"*\"}]}");

        assertRefused(SseTestClient.open(tern, "/topics/c/t"), 401);
        assertRefused(SseTestClient.open(tern, "/topics/c/t?token=not-a-token"), 401);
        assertRefused(SseTestClient.open(tern, "/topics/c/t?token=" + otherCacheOnly), 403);
        assertRefused(SseTestClient.open(tern, "/topics/c/t", "Authorization", publishOnly), 403);
        assertRefused(SseTestClient.open(tern, "/topics/missing/t?" + key()), 404, "Cache Not Found");
        assertRefused(SseTestClient.open(tern, "/topics/c/bad%20name?" + key()), 400);
        assertRefused(SseTestClient.open(tern, "/topics/c/t?" + key(), "Last-Event-ID", "garbage"), 400);
        assertRefused(SseTestClient.open(tern, "/topics/c/t?format=xml&" + key()), 400);
        assertRefused(SseTestClient.open(tern, "/topics/c/t?" + key(), "Authorization", tern.superUserKey()), 400);
        try (SseTestClient holder = SseTestClient.subscribe(tern, "/topics/limited/t?" + key())) {
            HttpResponse<InputStream> second = SseTestClient.open(tern, "/topics/limited/t?" + key());
            assertThat(second.headers().firstValue("Retry-After")).isPresent();
            assertRefused(second, 429);
        }
    }

    private static void assertRefused(HttpResponse<InputStream> response, int status, String... bodyContains) {
        String body = SseTestClient.bodyOf(response);
        assertThat(response.statusCode()).as(body).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        for (String part : bodyContains) {
            assertThat(body).contains(part);
        }
    }

    @Test
    void aClosedStreamReleasesItsSubscription() throws Exception {
        tern = RunningTern.start();
        tern.createCache("one", "{\"max_subscription_count\":1}");
        for (int round = 0; round < 3; round++) {
            HttpResponse<InputStream> held = openWhenFree("/topics/one/t?" + key());
            assertRefused(SseTestClient.open(tern, "/topics/one/t?" + key()), 429);
            held.body().close();
        }
    }

    /** Opens a stream once the cache's slot is free: the server learns of a client's close asynchronously. */
    private HttpResponse<InputStream> openWhenFree(String path) {
        AtomicReference<HttpResponse<InputStream>> opened = new AtomicReference<>();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            HttpResponse<InputStream> response = SseTestClient.open(tern, path);
            if (response.statusCode() == 200) {
                opened.set(response);
                return true;
            }
            SseTestClient.bodyOf(response);
            return false;
        });
        return opened.get();
    }

    @Test
    void deletingTheCacheEndsTheStreamWithAnEndEvent() throws Exception {
        tern = RunningTern.start();
        tern.createCache("c");
        try (SseTestClient stream = SseTestClient.subscribe(tern, "/topics/c/t?" + key());
             SseTestClient json = SseTestClient.subscribe(tern, "/topics/c/t?format=json&" + key())) {
            publishText("c/t", "before");
            assertThat(stream.next().data()).isEqualTo("before");
            assertThat(json.next().data()).contains("before");
            assertThat(tern.send("DELETE", "/caches/c", null, null).statusCode()).isEqualTo(204);
            SseParser.Event end = stream.next();
            assertThat(end.type()).isEqualTo("end");
            JsonNode body = JSON.readTree(end.data());
            assertThat(body.get("reason").asText()).isEqualTo("cache_deleted");
            assertThat(body.get("status").asInt()).isEqualTo(404);
            assertThat(body.get("message").asText()).contains("Cache Not Found");
            assertThat(stream.awaitEnd(Duration.ofSeconds(5))).isTrue();

            SseParser.Event jsonEnd = json.next();
            assertThat(jsonEnd.type()).isEqualTo("message");
            assertThat(JSON.readTree(jsonEnd.data()).get("end").get("reason").asText()).isEqualTo("cache_deleted");
            assertThat(json.awaitEnd(Duration.ofSeconds(5))).isTrue();
        }
        // What an EventSource reconnecting with its last id hears: 404, so it stops.
        assertRefused(SseTestClient.open(tern, "/topics/c/t?" + key(), "Last-Event-ID", "1:1"), 404);
    }

    @Test
    void shutdownEndsTheStreamAndAReconnectAfterRestartLearnsOfTheNewPage() throws Exception {
        tern = RunningTern.start();
        tern.createCache("c");
        String lastId;
        try (SseTestClient stream = SseTestClient.subscribe(tern, "/topics/c/t?" + key())) {
            publishText("c/t", "before restart");
            lastId = stream.next().lastEventId();
            Thread restart = new Thread(tern::restart);
            restart.start();
            SseParser.Event end = stream.next();
            assertThat(end.type()).isEqualTo("end");
            assertThat(JSON.readTree(end.data()).get("reason").asText()).isEqualTo("shutdown");
            assertThat(stream.awaitEnd(Duration.ofSeconds(5))).isTrue();
            restart.join();
        }
        try (SseTestClient again = SseTestClient.subscribe(tern, "/topics/c/t?" + key(), "Last-Event-ID", lastId)) {
            publishText("c/t", "after restart");
            SseParser.Event gap = again.next();
            assertThat(gap.type()).isEqualTo("discontinuity");
            JsonNode body = JSON.readTree(gap.data());
            assertThat(body.get("last_topic_sequence").asLong()).isEqualTo(1);
            assertThat(body.get("new_sequence_page").asLong()).isGreaterThan(Long.parseLong(lastId.split(":")[0]));
            assertThat(again.next().data()).isEqualTo("after restart");
        }
    }

    @Test
    void otherAcceptValuesStillGetTheLongPoll() throws Exception {
        tern = RunningTern.start("--long-poll-timeout", "1s");
        tern.createCache("c");
        publishText("c/t", "x");
        HttpResponse<String> poll = tern.send("GET", "/topics/c/t?sequence_number=1", null, null);
        assertThat(poll.statusCode()).isEqualTo(200);
        assertThat(poll.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(poll.body()).get("items").get(0).get("item").get("value").get("text").asText()).isEqualTo("x");
    }
}
