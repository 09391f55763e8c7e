package dev.tern.redis;

import dev.tern.testing.RunningRedis;
import dev.tern.testing.RunningTern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Three Tern nodes sharing one real Redis: they must behave as one server. */
class RedisNodesTest {
    private static final AtomicInteger CACHES = new AtomicInteger();
    private static RunningRedis redis;
    private static RunningTern a;
    private static RunningTern b;
    private static RunningTern c;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startNodes() {
        redis = RunningRedis.start();
        a = node();
        b = node();
        c = node();
    }

    static RunningTern node() {
        return RunningTern.start("--engine", "redis", "--redis-url", redis.url(), "--long-poll-timeout", "5s");
    }

    @AfterAll
    static void stopNodes() {
        for (AutoCloseable closeable : new AutoCloseable[] {a, b, c, redis}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // keep closing the others
            }
        }
    }

    private static String newCache() {
        return "cache-" + CACHES.incrementAndGet();
    }

    private HttpResponse<String> call(RunningTern node, String token, String method, String path, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.uri(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private int publish(RunningTern node, String cache, String topic, String text) {
        return call(node, node.superUserKey(), "POST", "/topics/" + cache + "/" + topic, "text/plain", text).statusCode();
    }

    @Test
    void everyNodeIsReady() {
        for (RunningTern node : List.of(a, b, c)) {
            assertThat(call(node, "", "GET", "/readyz", null, null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aMessagePublishedOnOneNodeReachesASubscriberOnAnother() {
        String cache = newCache();
        a.createCache(cache);
        TopicFollower follower = new TopicFollower(cache, "news", c.superUserKey());
        CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> follower.poll(c));
        sleep(300);
        assertThat(publish(b, cache, "news", "hello from b")).isEqualTo(204);
        assertThat(waiting.join()).isEqualTo(200);
        assertThat(follower.values).containsExactly("hello from b");
        assertThat(follower.violations).isEmpty();
    }

    @Test
    void aCacheCreatedOnOneNodeIsAtOnceUsableAndListedOnTheOthers() {
        String cache = newCache();
        a.createCache(cache);
        assertThat(publish(b, cache, "t", "x")).isEqualTo(204);
        assertThat(c.send("GET", "/caches", null, null).body()).contains("\"" + cache + "\"");
        assertThat(call(c, c.superUserKey(), "PUT", "/caches/" + cache, null, null).statusCode()).isEqualTo(409);
    }

    @Test
    void aTokenMintedOnOneNodeIsAcceptedByTheOthers() {
        String cache = newCache();
        a.createCache(cache);
        String token = a.mintToken("{\"expires_in_seconds\":600,\"permissions\":[{\"role\":\"publishsubscribe\",\"cache\":\""
                + cache + "\",\"topic\":\"t\"}]}");
        assertThat(call(b, token, "POST", "/topics/" + cache + "/t", "text/plain", "minted on a").statusCode()).isEqualTo(204);
        assertThat(call(c, token, "POST", "/topics/" + cache + "/other", "text/plain", "not allowed").statusCode()).isEqualTo(403);
        // The super-user key each node created is signed by the shared secret as well.
        assertThat(call(c, a.superUserKey(), "GET", "/caches", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void concurrentPublishersOnDifferentNodesGetContiguousSequenceNumbers() throws Exception {
        String cache = newCache();
        a.createCache(cache);
        int perNode = 150;
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<Integer>> results = new ArrayList<>();
        Set<String> published = new HashSet<>();
        List<RunningTern> nodes = List.of(a, b, c);
        for (int n = 0; n < nodes.size(); n++) {
            for (int half = 0; half < 2; half++) {
                RunningTern node = nodes.get(n);
                String prefix = "n" + n + "h" + half + "-";
                for (int i = 0; i < perNode / 2; i++) {
                    published.add(prefix + i);
                }
                results.add(pool.submit(() -> {
                    int accepted = 0;
                    for (int i = 0; i < perNode / 2; i++) {
                        if (publish(node, cache, "race", prefix + i) == 204) {
                            accepted++;
                        }
                    }
                    return accepted;
                }));
            }
        }
        int accepted = 0;
        for (Future<Integer> result : results) {
            accepted += result.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(accepted).isEqualTo(published.size());

        TopicFollower follower = new TopicFollower(cache, "race", a.superUserKey());
        follower.pollUntil(() -> follower.values.size() >= published.size(), Duration.ofSeconds(30), a, b, c);
        assertThat(follower.violations).isEmpty();
        assertThat(follower.discontinuities).isEmpty();
        assertThat(follower.next).isEqualTo(published.size() + 1);
        assertThat(new HashSet<>(follower.values)).isEqualTo(published);
    }

    @Test
    void aSubscriberResumesOnAnotherNodeWithoutLoss() {
        String cache = newCache();
        a.createCache(cache);
        for (int i = 1; i <= 5; i++) {
            assertThat(publish(a, cache, "resume", "m" + i)).isEqualTo(204);
        }
        TopicFollower follower = new TopicFollower(cache, "resume", a.superUserKey());
        assertThat(follower.poll(b)).isEqualTo(200);
        assertThat(follower.values).containsExactly("m1", "m2", "m3", "m4", "m5");
        for (int i = 6; i <= 9; i++) {
            assertThat(publish(c, cache, "resume", "m" + i)).isEqualTo(204);
        }
        assertThat(follower.poll(a)).isEqualTo(200);
        assertThat(follower.values).containsExactly("m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
        assertThat(follower.violations).isEmpty();
        assertThat(follower.discontinuities).isEmpty();
    }

    @Test
    void deletingACacheOnOneNodeEndsItsSubscriptionsOnEveryNode() {
        String cache = newCache();
        a.createCache(cache);
        long started = System.nanoTime();
        List<CompletableFuture<Integer>> polls = new ArrayList<>();
        for (RunningTern node : List.of(a, b, c)) {
            TopicFollower follower = new TopicFollower(cache, "doomed", node.superUserKey());
            follower.next = 0; // live only: wait for the next message
            polls.add(CompletableFuture.supplyAsync(() -> follower.poll(node)));
        }
        sleep(500);
        assertThat(a.send("DELETE", "/caches/" + cache, null, null).statusCode()).isEqualTo(204);
        for (CompletableFuture<Integer> poll : polls) {
            assertThat(poll.join()).isEqualTo(404);
        }
        // Well before the 5 s long-poll timeout: the subscriptions were ended, not timed out.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        assertThat(publish(b, cache, "doomed", "too late")).isEqualTo(404);
    }

    @Test
    void aCachesPublishRateHoldsAcrossNodes() {
        String cache = newCache();
        a.createCache(cache, "{\"max_publish_rate\":10}");
        List<RunningTern> nodes = List.of(a, b, c);
        int accepted = 0;
        int limited = 0;
        long started = System.nanoTime();
        for (int i = 0; i < 45; i++) {
            int status = publish(nodes.get(i % 3), cache, "rate", "m" + i);
            if (status == 204) {
                accepted++;
            } else if (status == 429) {
                limited++;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        // A bucket of 10 refilled at 10/s; three separate per-node buckets would have admitted far more.
        assertThat(accepted).isLessThanOrEqualTo(10 + (int) Math.ceil(10 * seconds) + 1);
        assertThat(accepted + limited).isEqualTo(45);
        assertThat(limited).isPositive();
    }

    @Test
    void aCachesSubscriptionCountHoldsAcrossNodes() {
        String cache = newCache();
        a.createCache(cache, "{\"max_subscription_count\":2}");
        List<CompletableFuture<Integer>> polls = new ArrayList<>();
        for (RunningTern node : List.of(a, b)) {
            TopicFollower follower = new TopicFollower(cache, "crowded", node.superUserKey());
            follower.next = 0;
            polls.add(CompletableFuture.supplyAsync(() -> follower.poll(node)));
        }
        sleep(4 * RedisSubscriptionCounts.SHARE_MILLIS);
        TopicFollower third = new TopicFollower(cache, "crowded", c.superUserKey());
        third.next = 0;
        assertThat(third.poll(c)).isEqualTo(429);
        for (CompletableFuture<Integer> poll : polls) {
            assertThat(poll.join()).isEqualTo(200);
        }
        sleep(4 * RedisSubscriptionCounts.SHARE_MILLIS);
        // Once the first two ended, a subscription anywhere is admitted again (and times out empty).
        assertThat(third.poll(c)).isEqualTo(200);
    }

    @Test
    void aNodeThatMissedLiveMessagesFillsTheGapFromTheStream() {
        String cache = newCache();
        a.createCache(cache);
        assertThat(publish(a, cache, "gap", "first")).isEqualTo(204);
        TopicFollower follower = new TopicFollower(cache, "gap", b.superUserKey());
        assertThat(follower.poll(b)).isEqualTo(200);
        CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> follower.poll(b));
        sleep(300);
        // Every node loses its pub/sub connection; the next message is published before they are back.
        assertThat(redis.command("CLIENT", "KILL", "TYPE", "pubsub")).startsWith(":");
        assertThat(publish(a, cache, "gap", "missed live")).isEqualTo(204);
        // The waiting long poll gets it once b has reconnected and read the stream, well before its 5 s timeout.
        assertThat(waiting.join()).isEqualTo(200);
        assertThat(follower.values).containsExactly("first", "missed live");
        assertThat(follower.discontinuities).isEmpty();
        assertThat(follower.violations).isEmpty();
    }

    @Test
    void historyIsBoundedByBytesAndByCountAsOnOneNode() {
        String cache = newCache();
        a.createCache(cache);
        try (RunningTern bounded = RunningTern.start("--engine", "redis", "--redis-url", redis.url(),
                "--history-bytes", "100", "--history-messages", "5")) {
            for (int i = 10; i < 20; i++) {
                assertThat(publish(bounded, cache, "bytes", "x".repeat(28) + i)).isEqualTo(204); // 30 bytes each
                assertThat(publish(bounded, cache, "count", Integer.toString(i))).isEqualTo(204);
            }
            TopicFollower byBytes = new TopicFollower(cache, "bytes", a.superUserKey());
            assertThat(byBytes.poll(a)).isEqualTo(200);
            // 100 bytes hold the last three 30-byte messages: 8, 9 and 10.
            assertThat(byBytes.discontinuities).hasSize(1);
            assertThat(byBytes.discontinuities.get(0).path("new_topic_sequence").asLong()).isEqualTo(8);
            assertThat(byBytes.values).containsExactly("x".repeat(28) + 17, "x".repeat(28) + 18, "x".repeat(28) + 19);
            TopicFollower byCount = new TopicFollower(cache, "count", a.superUserKey());
            assertThat(byCount.poll(a)).isEqualTo(200);
            assertThat(byCount.values).containsExactly("15", "16", "17", "18", "19");
            // One message larger than the whole budget is still kept (the newest always is).
            assertThat(publish(bounded, cache, "bytes", "y".repeat(500))).isEqualTo(204);
            assertThat(byBytes.poll(a)).isEqualTo(200);
            assertThat(byBytes.values).endsWith("y".repeat(500));
            assertThat(byBytes.violations).isEmpty();
            assertThat(byCount.violations).isEmpty();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
