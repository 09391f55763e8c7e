package dev.tern.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.CapturedLog;
import dev.tern.testing.PublishHistory;
import dev.tern.testing.RunningRedis;
import dev.tern.testing.RunningTern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis goes away under two Tern nodes while a publisher and a subscriber keep working. Checked every time: the
 * subscriber's stream is contiguous or carries an explicit discontinuity, every publish answered 204 reaches it while
 * within history, and no publish hangs or is answered 204 without being stored. An outage is an operator's event,
 * not a fault of Tern: the nodes' log says what happened at WARN and has no ERROR line.
 */
class RedisFaultsTest {
    private static final String CACHE = "faults";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private RunningRedis redis;
    private RunningTern a;
    private RunningTern b;

    @BeforeEach
    void start() {
        redis = RunningRedis.start();
        String[] flags = {"--engine", "redis", "--redis-url", redis.url(), "--redis-timeout", "1s",
                "--long-poll-timeout", "1s", "--history-messages", "100000"};
        a = RunningTern.start(flags);
        b = RunningTern.start(flags);
        a.createCache(CACHE);
    }

    @AfterEach
    void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {a, b, redis}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // keep closing the others
            }
        }
    }

    @Test
    void publishesFailFastWhileRedisIsDownAndNoAcknowledgedMessageIsLost() throws Exception {
        try (CapturedLog log = CapturedLog.start()) {
            publishesFailFastWhileRedisIsDown();
            assertOutageLoggedAtWarnOnly(log);
        }
    }

    private void publishesFailFastWhileRedisIsDown() throws Exception {
        TopicFollower follower = new TopicFollower(CACHE, "stream", b.superUserKey());
        PublishHistory history = new PublishHistory();
        follower.record = history.subscriber("poll@b");
        Publisher publisher = new Publisher(a, "stream", history);
        AtomicBoolean following = new AtomicBoolean(true);
        Thread subscriber = new Thread(() -> {
            while (following.get()) {
                follower.poll(b);
            }
        });
        subscriber.start();
        publisher.start();
        RedisNodesTest.sleep(800);

        long pageBefore = follower.page;
        redis.stopSaving();
        assertThat(awaitStatus(a, "/readyz", 503, Duration.ofSeconds(5))).as("a not ready while Redis is down").isTrue();
        assertThat(awaitStatus(b, "/readyz", 503, Duration.ofSeconds(5))).as("b not ready while Redis is down").isTrue();
        assertThat(a.send("GET", "/metrics", null, null).body()).as("the alerting rules' view of it")
                .contains("tern_ready 0.0").contains("tern_engine_available{engine=\"redis\"} 0.0");
        int failedBefore = publisher.failures.size();
        RedisNodesTest.sleep(1500);
        assertThat(publisher.failures.size()).as("publishes refused while Redis is down").isGreaterThan(failedBefore);

        redis.startAgain();
        assertThat(awaitStatus(a, "/readyz", 200, Duration.ofSeconds(10))).as("a ready again").isTrue();
        assertThat(awaitStatus(b, "/readyz", 200, Duration.ofSeconds(10))).as("b ready again").isTrue();
        assertThat(b.send("GET", "/metrics", null, null).body())
                .contains("tern_ready 1.0").contains("tern_engine_available{engine=\"redis\"} 1.0");
        RedisNodesTest.sleep(1000);
        publisher.stop();

        List<String> acknowledged = publisher.acknowledged;
        follower.values.size();
        boolean gotAll = waitUntil(() -> new HashSet<>(follower.values).containsAll(acknowledged), Duration.ofSeconds(20));
        following.set(false);
        subscriber.join(10_000);

        assertThat(acknowledged).as("some publishes succeeded before and after the outage; failures %s", publisher.failures).hasSizeGreaterThan(20);
        assertThat(publisher.failures).as("only 503 while Redis was down").allMatch(status -> status == 503);
        assertThat(publisher.slowestMillis.get()).as("no publish hung").isLessThan(3000);
        assertThat(follower.violations).isEmpty();
        assertThat(gotAll).as("every acknowledged message reached the subscriber; missing: %s",
                missing(acknowledged, follower.values)).isTrue();
        PublishHistory.Report report = history.check();
        assertThat(report.positionViolations()).isEmpty();
        assertThat(report.lost()).isEmpty();
        assertThat(report.uncovered()).isEmpty();
        // Redis came back with its data but as a new server (a new replication id): its snapshot could have been
        // older than the numbers given out before, so the topic continues on a new, greater page.
        assertThat(follower.discontinuities).hasSize(1);
        assertThat(follower.discontinuities.get(0).path("new_sequence_page").asLong()).isGreaterThan(pageBefore);
    }

    @Test
    void aRedisThatCrashesIsReportedAtWarnWithoutAnErrorLine() {
        try (CapturedLog log = CapturedLog.start()) {
            assertThat(publishOnce(a, "crash", "before")).isEqualTo(204);
            // Stopped, Redis reads nothing more: the commands sent meanwhile (this publish, the health checks) stay
            // unread in its sockets, so killing it resets the nodes' connections, as a crash or a lost machine does.
            redis.signal("STOP");
            assertThat(publishOnce(a, "crash", "while stopped")).isEqualTo(503);
            redis.kill();
            assertThat(awaitStatus(a, "/readyz", 503, Duration.ofSeconds(5))).isTrue();
            assertThat(awaitStatus(b, "/readyz", 503, Duration.ofSeconds(5))).isTrue();
            redis.startAgain();
            assertThat(awaitStatus(a, "/readyz", 200, Duration.ofSeconds(10))).isTrue();
            assertThat(awaitStatus(b, "/readyz", 200, Duration.ofSeconds(10))).isTrue();
            assertThat(waitUntil(() -> publishOnce(a, "crash", "after") == 204, Duration.ofSeconds(10))).isTrue();
            assertOutageLoggedAtWarnOnly(log);
        }
    }

    /** Both nodes said at WARN that Redis was unreachable; nothing (Tern or a library) logged at ERROR. */
    private static void assertOutageLoggedAtWarnOnly(CapturedLog log) {
        assertThat(log.errorLines()).as("ERROR lines").isEmpty();
        assertThat(log.linesContaining(" WARN RedisBackend - Redis at ").stream()
                .filter(line -> line.contains(" is unreachable: ")).count()).as("each node's WARN line").isGreaterThanOrEqualTo(2);
    }

    @Test
    void aRedisRestartedEmptyStartsANewPageAndSubscribersLearnItByDiscontinuity() {
        TopicFollower follower = new TopicFollower(CACHE, "reset", b.superUserKey());
        for (int i = 1; i <= 3; i++) {
            assertThat(publishOnce(a, "reset", "before-" + i)).isEqualTo(204);
        }
        assertThat(follower.poll(b)).isEqualTo(200);
        assertThat(follower.values).containsExactly("before-1", "before-2", "before-3");
        long firstPage = follower.page;

        redis.stopEmpty();
        redis.startAgain();
        assertThat(awaitStatus(a, "/readyz", 200, Duration.ofSeconds(10))).isTrue();
        assertThat(awaitStatus(b, "/readyz", 200, Duration.ofSeconds(10))).isTrue();

        // The nodes put back what Redis lost: the cache, and the secret that signed the existing tokens.
        assertThat(waitUntil(() -> publishOnce(a, "reset", "after-1") == 204, Duration.ofSeconds(10))).isTrue();
        assertThat(publishOnce(b, "reset", "after-2")).isEqualTo(204);
        assertThat(follower.pollUntil(() -> follower.values.contains("after-2"), Duration.ofSeconds(10), b, a)).isTrue();

        assertThat(follower.violations).isEmpty();
        assertThat(follower.discontinuities).hasSize(1);
        JsonNode gap = follower.discontinuities.get(0);
        assertThat(gap.path("new_sequence_page").asLong()).isGreaterThan(firstPage);
        assertThat(follower.values).endsWith("after-1", "after-2");
        assertThat(follower.page).isGreaterThan(firstPage);
    }

    @Test
    void whenANodeDiesItsSubscriberContinuesOnAnotherWithoutLoss() throws Exception {
        TopicFollower follower = new TopicFollower(CACHE, "failover", a.superUserKey());
        PublishHistory history = new PublishHistory();
        follower.record = history.subscriber("poll@b-then-a");
        Publisher publisher = new Publisher(a, "failover", history);
        publisher.start();
        assertThat(follower.pollUntil(() -> follower.values.size() >= 20, Duration.ofSeconds(20), b)).isTrue();
        b.close();
        RedisNodesTest.sleep(500);
        publisher.stop();
        List<String> acknowledged = publisher.acknowledged;
        assertThat(follower.pollUntil(() -> new HashSet<>(follower.values).containsAll(acknowledged),
                Duration.ofSeconds(20), a)).as("missing: %s", missing(acknowledged, follower.values)).isTrue();
        assertThat(publisher.failures).isEmpty();
        assertThat(follower.violations).isEmpty();
        assertThat(follower.discontinuities).isEmpty();
        PublishHistory.Report report = history.check();
        assertThat(report.positionViolations()).isEmpty();
        assertThat(report.lost()).isEmpty();
        assertThat(report.uncovered()).isEmpty();
    }

    private static List<String> missing(List<String> acknowledged, List<String> received) {
        List<String> missing = new ArrayList<>(acknowledged);
        missing.removeAll(new HashSet<>(received));
        return missing;
    }

    private int publishOnce(RunningTern node, String topic, String text) {
        HttpRequest request = HttpRequest.newBuilder(node.uri("/topics/" + CACHE + "/" + topic))
                .timeout(Duration.ofSeconds(10)).header("Authorization", node.superUserKey())
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(text)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private boolean awaitStatus(RunningTern node, String path, int status, Duration within) {
        return waitUntil(() -> {
            try {
                return http.send(HttpRequest.newBuilder(node.uri(path)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == status;
            } catch (Exception e) {
                return false;
            }
        }, within);
    }

    private static boolean waitUntil(java.util.function.BooleanSupplier condition, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            RedisNodesTest.sleep(50);
        }
        return condition.getAsBoolean();
    }

    /** Publishes numbered messages in a loop and records which were acknowledged and how the others failed. */
    private final class Publisher {
        private final RunningTern node;
        private final String topic;
        private final PublishHistory history;
        final List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> failures = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong slowestMillis = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private Thread thread;

        Publisher(RunningTern node, String topic, PublishHistory history) {
            this.node = node;
            this.topic = topic;
            this.history = history;
        }

        void start() {
            thread = new Thread(() -> {
                for (int i = 0; running.get(); i++) {
                    String value = "m" + i;
                    long started = System.nanoTime();
                    int status = publishOnce(node, topic, value);
                    slowestMillis.accumulateAndGet((System.nanoTime() - started) / 1_000_000, Math::max);
                    history.publishedWithStatus(value, status);
                    if (status == 204) {
                        acknowledged.add(value);
                    } else {
                        failures.add(status);
                    }
                    RedisNodesTest.sleep(10);
                }
            });
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }
}
