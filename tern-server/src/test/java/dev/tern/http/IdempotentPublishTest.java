package dev.tern.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code Idempotency-Key} on {@code POST /topics/...}: a repeat answers the first position and publishes nothing. */
class IdempotentPublishTest {
    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static RunningTern tern;
    private static TernHttp http;
    private static String key;

    @BeforeAll
    static void start() {
        tern = RunningTern.start("--long-poll-timeout", "1s");
        http = new TernHttp(tern);
        key = tern.superUserKey();
        tern.createCache("idem");
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    private static String freshTopic() {
        return "t" + TOPICS.incrementAndGet();
    }

    static HttpRequest publish(TernHttp http, String token, String cache, String topic, String idempotencyKey, String text) {
        HttpRequest.Builder request = http.request(TernHttp.topicPath(cache, topic))
                .header("Authorization", token)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return request.build();
    }

    private static String position(HttpResponse<?> response) {
        return response.headers().firstValue("Tern-Sequence-Page").orElse("?") + ":"
                + response.headers().firstValue("Tern-Topic-Sequence-Number").orElse("?");
    }

    private static List<JsonNode> stored(String topic) {
        return TernHttp.items(http.longPoll("idem", topic, key, 1, 0));
    }

    @Test
    void aRepeatAnswersTheFirstPositionAndPublishesNothing() {
        String topic = freshTopic();
        HttpResponse<String> first = http.send(publish(http, key, "idem", topic, "order-1", "paid"));
        HttpResponse<String> other = http.send(publish(http, key, "idem", topic, "order-2", "paid"));
        HttpResponse<String> repeat = http.send(publish(http, key, "idem", topic, "order-1", "paid"));

        assertThat(first.statusCode()).isEqualTo(204);
        assertThat(repeat.statusCode()).isEqualTo(204);
        assertThat(repeat.body()).isEmpty();
        assertThat(position(repeat)).isEqualTo(position(first)).endsWith(":1");
        assertThat(position(other)).endsWith(":2");
        assertThat(stored(topic)).hasSize(2);
    }

    @Test
    void aRepeatWithAnotherMessageIsAConflict() {
        String topic = freshTopic();
        assertThat(http.send(publish(http, key, "idem", topic, "k", "first")).statusCode()).isEqualTo(204);
        HttpResponse<String> changed = http.send(publish(http, key, "idem", topic, "k", "second"));

        assertThat(changed.statusCode()).isEqualTo(409);
        assertThat(changed.body()).contains("different message");
        assertThat(stored(topic)).hasSize(1);
    }

    @Test
    void theSameKeyOnAnotherTopicIsAnotherPublish() {
        String topic = freshTopic();
        String otherTopic = freshTopic();
        http.send(publish(http, key, "idem", topic, "shared", "x"));
        HttpResponse<String> other = http.send(publish(http, key, "idem", otherTopic, "shared", "x"));

        assertThat(other.statusCode()).isEqualTo(204);
        assertThat(stored(otherTopic)).hasSize(1);
    }

    @Test
    void aHundredConcurrentRetriesPublishOneMessage() {
        String topic = freshTopic();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            answers.add(http.sendAsync(publish(http, key, "idem", topic, "burst", "once")));
        }
        List<String> positions = answers.stream().map(CompletableFuture::join).map(response -> {
            assertThat(response.statusCode()).isEqualTo(204);
            return position(response);
        }).distinct().toList();

        assertThat(positions).containsExactly(positions.get(0));
        assertThat(stored(topic)).hasSize(1);
    }

    @Test
    void aRefusedFirstPublishIsForgottenSoItsRetryPublishes() {
        tern.createCache("idem-small", "{\"max_publish_message_size_kb\": 1}");
        String topic = freshTopic();
        // 413 happens before the key is looked at; so does 404 (no cache) and 403 (no permission).
        HttpResponse<String> tooLarge = http.send(publish(http, key, "idem-small", topic, "k", "x".repeat(2000)));
        HttpResponse<String> fits = http.send(publish(http, key, "idem-small", topic, "k", "small"));

        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(fits.statusCode()).isEqualTo(204);
    }

    @Test
    void publishersWithDifferentTokenIdsHaveTheirOwnKeys() {
        String topic = freshTopic();
        String alice = tern.mintToken("{\"expires_in_seconds\":600,\"token_id\":\"alice\",\"permissions\":"
                + "[{\"role\":\"publishsubscribe\",\"cache\":\"idem\",\"topic\":\"*\"}]}");
        String aliceAgain = tern.mintToken("{\"expires_in_seconds\":600,\"token_id\":\"alice\",\"permissions\":"
                + "[{\"role\":\"publishsubscribe\",\"cache\":\"idem\",\"topic\":\"*\"}]}");
        String bob = tern.mintToken("{\"expires_in_seconds\":600,\"token_id\":\"bob\",\"permissions\":"
                + "[{\"role\":\"publishsubscribe\",\"cache\":\"idem\",\"topic\":\"*\"}]}");

        HttpResponse<String> first = http.send(publish(http, alice, "idem", topic, "k", "hi"));
        HttpResponse<String> refreshedToken = http.send(publish(http, aliceAgain, "idem", topic, "k", "hi"));
        HttpResponse<String> otherPublisher = http.send(publish(http, bob, "idem", topic, "k", "hi"));

        assertThat(position(refreshedToken)).isEqualTo(position(first));
        assertThat(position(otherPublisher)).endsWith(":2");
        assertThat(stored(topic)).hasSize(2);
    }

    @Test
    void aTokenThatMayNotPublishLearnsNothingOfAKey() {
        String topic = freshTopic();
        http.send(publish(http, key, "idem", topic, "k", "hi"));
        String reader = tern.mintToken("{\"expires_in_seconds\":600,\"permissions\":"
                + "[{\"role\":\"subscribeonly\",\"cache\":\"idem\",\"topic\":\"*\"}]}");

        HttpResponse<String> refused = http.send(publish(http, reader, "idem", topic, "k", "hi"));

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Tern-Topic-Sequence-Number")).isEmpty();
    }

    @Test
    void malformedKeysAreBadRequests() {
        String topic = freshTopic();
        assertThat(http.send(publish(http, key, "idem", topic, "k".repeat(256), "x")).statusCode()).isEqualTo(400);
        assertThat(http.send(publish(http, key, "idem", topic, "has space", "x")).statusCode()).isEqualTo(400);
        assertThat(stored(topic)).isEmpty();
    }

    @Test
    void aKeyIsForgottenWhenItsWindowEnds() {
        try (RunningTern shortWindow = RunningTern.start("--idempotency-window", "1s")) {
            shortWindow.createCache("c");
            TernHttp client = new TernHttp(shortWindow);
            String token = shortWindow.superUserKey();
            assertThat(position(client.send(publish(client, token, "c", "t", "k", "x")))).endsWith(":1");
            // Repeats answer :1 until the window ends; the first publish after it is a new message.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(
                    () -> position(client.send(publish(client, token, "c", "t", "k", "x"))).endsWith(":2"));
        }
    }

    @Test
    void theWindowMustBePositiveAndAtMostADay() {
        assertThatThrownBy(() -> RunningTern.config("--idempotency-window", "0s"))
                .hasMessageContaining("--idempotency-window");
        assertThatThrownBy(() -> RunningTern.config("--idempotency-window", "25h"))
                .hasMessageContaining("--idempotency-window");
    }
}
