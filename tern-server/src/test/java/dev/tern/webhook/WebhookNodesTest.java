package dev.tern.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.CapturedLog;
import dev.tern.testing.RunningRedis;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import dev.tern.testing.TernProcess;
import dev.tern.testing.WebhookReceiver;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two nodes on a real Redis: one delivers each webhook; when it is killed, the other takes over from the cursor. */
class WebhookNodesTest {
    private static final Duration WAIT = Duration.ofSeconds(40);

    @Test
    void exactlyOneNodeDeliversAndTheOtherTakesOverWhenItIsKilled() throws Exception {
        try (RunningRedis redis = RunningRedis.start();
             WebhookReceiver receiver = WebhookReceiver.start(Duration.ZERO)) {
            String[] flags = {"--engine", "redis", "--redis-url", redis.url(), "--webhook-retry-initial-backoff", "50ms",
                    "--webhook-retry-max-backoff", "300ms", "--webhook-request-timeout", "1s"};
            try (TernProcess a = TernProcess.start(flags); TernProcess b = TernProcess.start(flags)) {
                assertThat(a.send("PUT", "/caches/c", "application/json", null).statusCode()).isEqualTo(201);
                HttpResponse<String> put = a.send("PUT", "/caches/c/webhooks/h", "application/json",
                        "{\"topic\": \"t\", \"url\": \"" + receiver.url("/") + "\"}");
                assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
                assertThat(b.send("GET", "/caches/c/webhooks/h", null, null).statusCode())
                        .as("the other node sees the webhook").isEqualTo(200);

                TernProcess delivering = awaitOneDelivering(a, b);
                TernProcess survivor = delivering == a ? b : a;
                assertThat(delivering(survivor)).as("exactly one node delivers").isFalse();
                Thread.sleep(300);

                for (int i = 1; i <= 30; i++) {
                    publish(survivor, "m" + i);
                }
                receiver.awaitCount(30, WAIT);
                delivering.kill();
                for (int i = 31; i <= 60; i++) {
                    publish(survivor, "m" + i);
                }
                long killedAt = System.nanoTime();
                awaitDelivering(survivor);
                long takeoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
                List<Long> got = new ArrayList<>();
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (!(got = WebhookDeliveryTest.sequenceNumbers(receiver.received())).contains(60L)) {
                    assertThat(System.nanoTime()).as("got " + got).isLessThan(deadline);
                    Thread.sleep(50);
                }
                // Duplicates may occur only around the takeover; nothing within history is lost, order is kept.
                assertThat(new ArrayList<>(new LinkedHashSet<>(got))).isEqualTo(WebhookDeliveryTest.range(1, 60));
                assertThat(receiver.received().stream().noneMatch(r -> r.json().has("discontinuity"))).isTrue();
                System.out.println("webhook takeover after a SIGKILL took " + takeoverMillis + " ms; duplicates: "
                        + (got.size() - 60));
            }
        }
    }

    @Test
    void withTheRedisEngineARestartedNodeResumesFromTheStoredCursorWithoutAGap() throws Exception {
        try (RunningRedis redis = RunningRedis.start();
             WebhookReceiver receiver = WebhookReceiver.start(Duration.ZERO);
             RunningTern tern = RunningTern.start("--engine", "redis", "--redis-url",
                     redis.url(), "--webhook-retry-initial-backoff", "50ms", "--webhook-retry-max-backoff", "300ms")) {
            tern.createCache("c");
            WebhookDeliveryTest.putWebhook(tern, "c", "h", "t", receiver.url("/"));
            WebhookDeliveryTest.awaitDelivering(tern, "c", "h");
            TernHttp http = new TernHttp(tern);
            for (int i = 1; i <= 10; i++) {
                http.publishText("c", "t", tern.superUserKey(), "m" + i);
            }
            receiver.awaitCount(10, WAIT);
            WebhookDeliveryTest.awaitCursor(tern, "c", "h", 10);
            receiver.down();
            for (int i = 11; i <= 20; i++) {
                http.publishText("c", "t", tern.superUserKey(), "m" + i);
            }
            tern.restart(); // mid-delivery: 11..20 wait in the topic's history in Redis
            for (int i = 21; i <= 25; i++) {
                http.publishText("c", "t", tern.superUserKey(), "m" + i);
            }
            receiver.up();
            receiver.awaitCount(25, WAIT);
            Thread.sleep(500);
            assertThat(WebhookDeliveryTest.sequenceNumbers(receiver.received())).isEqualTo(WebhookDeliveryTest.range(1, 25));
            assertThat(receiver.received().stream().noneMatch(r -> r.json().has("discontinuity"))).isTrue();
        }
    }

    /**
     * A node hears another node's cache deletion on its Redis connection's thread and removes the cache's webhooks
     * from there: that removal must not wait for Redis on the very thread that delivers Redis's replies (it used to,
     * for the whole Redis timeout, which Vert.x reports as a blocked event loop).
     */
    @Test
    void aCacheDeletedThroughOneNodeLeavesTheOtherNodesRedisConnectionFree() throws Exception {
        try (RunningRedis redis = RunningRedis.start();
             WebhookReceiver receiver = WebhookReceiver.start(Duration.ZERO);
             CapturedLog log = CapturedLog.start()) {
            // A Redis timeout longer than Vert.x's 2 s blocked-thread limit, so a wait for it is always reported.
            String[] flags = {"--engine", "redis", "--redis-url", redis.url(), "--redis-timeout", "4s"};
            try (RunningTern a = RunningTern.start(flags); RunningTern b = RunningTern.start(flags)) {
                a.createCache("gone");
                a.createCache("kept");
                WebhookDeliveryTest.putWebhook(a, "gone", "h", "t", receiver.url("/"));
                assertThat(b.send("GET", "/caches/gone/webhooks/h", null, null).statusCode())
                        .as("the other node sees the webhook").isEqualTo(200);

                assertThat(a.send("DELETE", "/caches/gone", null, null).statusCode()).isEqualTo(204);
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (b.send("GET", "/caches/gone/webhooks/h", null, null).statusCode() != 404) {
                    assertThat(System.nanoTime()).as("the other node never learned of the deletion").isLessThan(deadline);
                    Thread.sleep(20);
                }
                // A publish through b waits for a reply on b's Redis connection: once it is answered, any wait on that
                // connection's thread is over, and reported if it was long.
                assertThat(new TernHttp(b).publishText("kept", "t", b.superUserKey(), "after").statusCode()).isEqualTo(204);
                assertThat(a.send("GET", "/caches/gone/webhooks", null, null).statusCode()).isEqualTo(404);
            }
            assertThat(log.linesContaining("has been blocked for")).as("a blocked event loop").isEmpty();
            assertThat(log.errorLines()).isEmpty();
        }
    }

    private static void publish(TernProcess node, String text) {
        assertThat(node.send("POST", "/topics/c/t", "text/plain", text).statusCode()).isEqualTo(204);
    }

    private static boolean delivering(TernProcess node) {
        JsonNode state = TernHttp.json(node.send("GET", "/caches/c/webhooks/h", null, null).body()).get("delivery");
        return state.get("delivering").asBoolean();
    }

    private static TernProcess awaitOneDelivering(TernProcess a, TernProcess b) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (delivering(a)) {
                return a;
            }
            if (delivering(b)) {
                return b;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no node delivers the webhook");
    }

    private static void awaitDelivering(TernProcess node) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!delivering(node)) {
            assertThat(System.nanoTime()).as("the survivor never took over").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
