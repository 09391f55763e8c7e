package dev.tern.redis;

import dev.tern.testing.RunningRedis;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Idempotency keys on two nodes sharing one Redis: a key is one publish whichever node its repeats reach. */
class RedisIdempotencyTest {
    private static RunningRedis redis;
    private static RunningTern a;
    private static RunningTern b;

    @BeforeAll
    static void startNodes() {
        redis = RunningRedis.start();
        a = RunningTern.start("--engine", "redis", "--redis-url", redis.url(), "--long-poll-timeout", "1s");
        b = RunningTern.start("--engine", "redis", "--redis-url", redis.url(), "--long-poll-timeout", "1s");
        a.createCache("idem");
    }

    @AfterAll
    static void stopNodes() {
        b.close();
        a.close();
        redis.close();
    }

    private static HttpRequest publish(TernHttp http, String topic, String key, String text) {
        return http.request(TernHttp.topicPath("idem", topic))
                .header("Authorization", a.superUserKey())
                .header("Content-Type", "text/plain")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8)).build();
    }

    private static String position(HttpResponse<?> response) {
        return response.headers().firstValue("Tern-Sequence-Page").orElse("?") + ":"
                + response.headers().firstValue("Tern-Topic-Sequence-Number").orElse("?");
    }

    @Test
    void aHundredConcurrentRetriesSpreadOverTwoNodesPublishOneMessage() {
        TernHttp onA = new TernHttp(a);
        TernHttp onB = new TernHttp(b);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            TernHttp node = i % 2 == 0 ? onA : onB;
            answers.add(node.sendAsync(publish(node, "burst", "payment-42", "charged")));
        }
        List<String> positions = answers.stream().map(CompletableFuture::join).map(response -> {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
            return position(response);
        }).distinct().toList();

        assertThat(positions).hasSize(1);
        assertThat(positions.get(0)).endsWith(":1");
        assertThat(TernHttp.items(onB.longPoll("idem", "burst", a.superUserKey(), 1, 0))).hasSize(1);
    }

    @Test
    void aRepeatOnTheOtherNodeWithAnotherMessageIsAConflict() {
        TernHttp onA = new TernHttp(a);
        TernHttp onB = new TernHttp(b);
        assertThat(onA.send(publish(onA, "conflict", "k", "one")).statusCode()).isEqualTo(204);
        HttpResponse<String> repeat = onB.send(publish(onB, "conflict", "k", "one"));
        HttpResponse<String> changed = onB.send(publish(onB, "conflict", "k", "two"));

        assertThat(repeat.statusCode()).isEqualTo(204);
        assertThat(position(repeat)).endsWith(":1");
        assertThat(changed.statusCode()).isEqualTo(409);
        // Every key held in Redis expires (at the latest when the idempotency window ends).
        String unexpiring = redis.command("EVAL", "local n = 0 for _, k in ipairs(redis.call('KEYS', 'tern:idem:*')) do "
                + "if redis.call('PTTL', k) < 0 then n = n + 1 end end return n", "0");
        assertThat(unexpiring).isEqualTo(":0");
    }
}
