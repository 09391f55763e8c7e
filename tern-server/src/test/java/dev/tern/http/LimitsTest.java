package dev.tern.http;

import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Per-cache limits: message size (413), publish rate and subscription count (429 with Retry-After). */
class LimitsTest {
    private static RunningTern tern;
    private static TernHttp http;
    private static String key;

    @BeforeAll
    static void start() {
        tern = RunningTern.start("--long-poll-timeout", "20s");
        http = new TernHttp(tern);
        key = tern.superUserKey();
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    @Test
    void messageOverTheCachesSizeLimitIs413() {
        tern.createCache("small", "{\"max_publish_message_size_kb\": 1}");

        assertThat(http.publish("small", "t", key, "application/octet-stream", new byte[1024]).statusCode()).isEqualTo(204);
        HttpResponse<String> tooLarge = http.publish("small", "t", key, "application/octet-stream", new byte[1025]);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("1025").contains("1024");
        assertThat(http.publishText("small", "t", key, "é".repeat(513)).statusCode())
                .as("the limit counts UTF-8 bytes, not characters").isEqualTo(413);
    }

    @Test
    void theLargestAllowedLimitOf1024KbIsHonouredExactly() {
        tern.createCache("large", "{\"max_publish_message_size_kb\": 1024}");
        assertThat(http.publish("large", "t", key, null, new byte[1024 * 1024]).statusCode()).isEqualTo(204);
        assertThat(http.publish("large", "t", key, null, new byte[1024 * 1024 + 1]).statusCode()).isEqualTo(413);
        java.util.List<com.fasterxml.jackson.databind.JsonNode> items = TernHttp.items(http.longPoll("large", "t", key, 1, 0));
        assertThat(java.util.Base64.getDecoder().decode(items.get(0).get("item").get("value").get("binary").asText()))
                .hasSize(1024 * 1024);
    }

    @Test
    void defaultSizeLimitIsMomentos4Kb() {
        tern.createCache("default-size");
        assertThat(http.publish("default-size", "t", key, null, new byte[4096]).statusCode()).isEqualTo(204);
        assertThat(http.publish("default-size", "t", key, null, new byte[4097]).statusCode()).isEqualTo(413);
    }

    @Test
    void publishingFasterThanTheCachesRateIs429WithRetryAfter() {
        tern.createCache("slow", "{\"max_publish_rate\": 3}");
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            responses.add(http.publishText("slow", "t" + (i % 2), key, "m" + i));
        }

        assertThat(responses.get(0).statusCode()).isEqualTo(204);
        HttpResponse<String> limited = responses.stream().filter(r -> r.statusCode() == 429).findFirst()
                .orElseThrow(() -> new AssertionError("6 publishes at once under a rate of 3/s were all accepted"));
        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isIn(204, 429));
        assertThat(responses.stream().filter(r -> r.statusCode() == 204).count()).isBetween(3L, 4L);
        assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 2L));
        assertThat(limited.body()).contains("rate");
        // The budget refills.
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(400))
                .until(() -> http.publishText("slow", "t", key, "later").statusCode() == 204);
    }

    @Test
    void theRateLimitOfOneCacheDoesNotThrottleAnother() {
        tern.createCache("throttled", "{\"max_publish_rate\": 1}");
        tern.createCache("free");
        http.publishText("throttled", "t", key, "a");
        assertThat(http.publishText("throttled", "t", key, "b").statusCode()).isEqualTo(429);
        for (int i = 0; i < 20; i++) {
            assertThat(http.publishText("free", "t", key, "x").statusCode()).isEqualTo(204);
        }
    }

    @Test
    void subscriptionsBeyondTheCachesCountAre429WithRetryAfterUntilOneEnds() throws Exception {
        tern.createCache("crowded", "{\"max_subscription_count\": 2}");
        CompletableFuture<HttpResponse<String>> first = http.longPollAsync("crowded", "a", key, 0, 0);
        CompletableFuture<HttpResponse<String>> second = http.longPollAsync("crowded", "b", key, 0, 0);
        http.awaitSubscribers(2);

        HttpResponse<String> third = http.longPoll("crowded", "c", key, 0, 0);

        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Long.parseLong(seconds)).isPositive());
        assertThat(third.body()).contains("subscriptions");
        assertThat(first).isNotDone();

        // A publish answers the first poll, which frees its place.
        assertThat(http.publishText("crowded", "a", key, "wake").statusCode()).isEqualTo(204);
        assertThat(TernHttp.items(first.get(5, TimeUnit.SECONDS))).hasSize(1);
        CompletableFuture<HttpResponse<String>> fourth = http.longPollAsync("crowded", "c", key, 0, 0);
        http.awaitSubscribers(2);
        assertThat(fourth).as("admitted and waiting, not refused").isNotDone();
        http.publishText("crowded", "b", key, "wake");
        http.publishText("crowded", "c", key, "wake");
        assertThat(second.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(fourth.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void aClientThatHangsUpFreesItsSubscription() throws Exception {
        tern.createCache("hangup", "{\"max_subscription_count\": 1}");
        CompletableFuture<HttpResponse<String>> abandoned = http.longPollAsync("hangup", "t", key, 0, 0);
        http.awaitSubscribers(1);
        assertThat(http.longPoll("hangup", "t", key, 0, 0).statusCode()).isEqualTo(429);

        abandoned.cancel(true);

        // The long-poll wait is 20 s; the place must come back long before that.
        await().atMost(Duration.ofSeconds(5)).until(() -> http.subscribers() == 0);
        CompletableFuture<HttpResponse<String>> next = http.longPollAsync("hangup", "t", key, 0, 0);
        http.awaitSubscribers(1);
        assertThat(next).isNotDone();
        http.publishText("hangup", "t", key, "x");
        assertThat(next.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
}
