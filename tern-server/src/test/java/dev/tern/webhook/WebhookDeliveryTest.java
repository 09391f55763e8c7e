package dev.tern.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import dev.tern.testing.WebhookReceiver;
import dev.tern.testing.WebhookReceiver.Behaviour;
import dev.tern.testing.WebhookReceiver.Received;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Delivery to a real receiver: order, fields, signatures, and what happens when the receiver misbehaves. */
class WebhookDeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Small backoffs so that retries happen within a test. */
    private static final String[] FAST_RETRIES = {"--webhook-retry-initial-backoff", "50ms",
            "--webhook-retry-max-backoff", "300ms", "--webhook-request-timeout", "500ms"};

    @Test
    void everyMessageArrivesInOrderWithTheDocumentedFieldsAndBothSignatures() throws Exception {
        try (RunningTern tern = RunningTern.start(FAST_RETRIES);
             WebhookReceiver receiver = WebhookReceiver.start(Duration.ZERO)) {
            TernHttp http = new TernHttp(tern);
            tern.createCache("shop");
            String secret = putWebhook(tern, "shop", "orders-hook", "orders", receiver.url("/hook?x=1"));
            String token = tern.mintToken("""
                    {"expires_in_seconds": 600, "token_id": "checkout",
                     "permissions": [{"role": "publishsubscribe", "cache": "shop", "topic": "*"}]}""");
            awaitDelivering(tern, "shop", "orders-hook");
            for (int i = 1; i <= 20; i++) {
                assertThat(http.publishText("shop", "orders", token, "order " + i).statusCode()).isEqualTo(204);
            }
            assertThat(http.publish("shop", "orders", token, "application/octet-stream", new byte[]{0, 1, 2, (byte) 255})
                    .statusCode()).isEqualTo(204);

            List<Received> got = receiver.awaitCount(21, WAIT);
            long page = got.get(0).json().get("sequence_page").asLong();
            for (int i = 0; i < 21; i++) {
                Received request = got.get(i);
                JsonNode body = request.json();
                assertThat(body.get("cache").asText()).isEqualTo("shop");
                assertThat(body.get("topic").asText()).isEqualTo("orders");
                assertThat(body.get("topic_sequence_number").asLong()).isEqualTo(i + 1);
                assertThat(body.get("sequence_page").asLong()).isEqualTo(page);
                assertThat(body.get("token_id").asText()).isEqualTo("checkout");
                assertThat(body.get("event_timestamp").asLong()).isGreaterThan(0);
                assertThat(body.get("publish_timestamp").asLong()).isGreaterThan(0);
                if (i < 20) {
                    assertThat(body.get("text").asText()).isEqualTo("order " + (i + 1));
                }
                assertThat(request.header("momento-signature"))
                        .isEqualTo(HexFormat.of().formatHex(hmac("HmacSHA3-256", secret, request.body())));
                String id = request.header("webhook-id");
                String timestamp = request.header("webhook-timestamp");
                byte[] signed = (id + "." + timestamp + "." + new String(request.body(), StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8);
                assertThat(request.header("webhook-signature"))
                        .isEqualTo("v1," + Base64.getEncoder().encodeToString(hmac("HmacSHA256", secret, signed)));
                assertThat(Math.abs(Long.parseLong(timestamp) - System.currentTimeMillis() / 1000)).isLessThan(120);
            }
            assertThat(got.get(20).json().get("binary").asText())
                    .isEqualTo(Base64.getEncoder().encodeToString(new byte[]{0, 1, 2, (byte) 255}));
            assertThat(got.get(20).json().has("text")).isFalse();

            JsonNode listed = TernHttp.json(tern.send("GET", "/caches/shop/webhooks", null, null).body())
                    .get("webhooks").get(0);
            assertThat(listed.get("delivery").get("last_sequence_number").asLong()).isEqualTo(21);
            assertThat(listed.has("secret")).isFalse();
            String metrics = tern.send("GET", "/metrics", null, null).body();
            assertThat(metrics).contains("tern_webhook_deliveries_total{result=\"delivered\"} 21.0");
            assertThat(metrics).contains("tern_webhook_lag_messages");
        }
    }

    @Test
    void aReceiverDownForTwentySecondsWhilePublishingGetsEverythingInOrderOnceItIsBackAndNothingTwice() throws Exception {
        // The server's own schedule (1 s doubling to 60 s) would leave the receiver waiting up to a minute after it is
        // back; this webhook's own schedule (50 ms doubling to 500 ms) bounds that wait, and so this test's length.
        try (RunningTern tern = RunningTern.start();
             WebhookReceiver receiver = WebhookReceiver.start(Duration.ZERO)) {
            TernHttp http = new TernHttp(tern);
            tern.createCache("c");
            HttpResponse<String> put = tern.send("PUT", "/caches/c/webhooks/h", "application/json", """
                    {"topic": "t", "url": "%s", "retry": {"initial_backoff_ms": 50, "max_backoff_ms": 500}}"""
                    .formatted(receiver.url("/")));
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            JsonNode retry = TernHttp.json(put.body()).get("retry");
            assertThat(retry.get("initial_backoff_ms").asLong()).isEqualTo(50);
            assertThat(retry.get("max_backoff_ms").asLong()).isEqualTo(500);
            assertThat(retry.get("server_default").asBoolean()).isFalse();
            awaitDelivering(tern, "c", "h");
            http.publishText("c", "t", tern.superUserKey(), "m1");
            receiver.awaitCount(1, WAIT);
            awaitCursor(tern, "c", "h", 1); // the answer reached Tern before the receiver goes down
            receiver.down();
            long downSince = System.nanoTime();
            int published = 1;
            while (System.nanoTime() - downSince < Duration.ofSeconds(20).toNanos()) {
                published++;
                assertThat(http.publishText("c", "t", tern.superUserKey(), "m" + published).statusCode()).isEqualTo(204);
                Thread.sleep(100);
            }
            JsonNode state = TernHttp.json(tern.send("GET", "/caches/c/webhooks/h", null, null).body()).get("delivery");
            assertThat(state.get("last_error").asText()).isNotEmpty();
            assertThat(state.get("failed_attempts").asInt()).isGreaterThan(5);
            assertThat(state.get("last_sequence_number").asLong()).as(state.toString()).isEqualTo(1);
            // The next attempt is at most the webhook's maximum backoff away, not the server's minute.
            assertThat(state.get("next_attempt_at").asLong()).isLessThanOrEqualTo(System.currentTimeMillis() + 500);
            long upAt = System.currentTimeMillis();
            receiver.up();
            List<Received> got = receiver.awaitCount(published, WAIT);
            awaitCursor(tern, "c", "h", published);
            // publish_timestamp is when each message was published, not when it was finally delivered.
            assertThat(got.get(1).json().get("publish_timestamp").asLong()).isLessThan(upAt - 15_000);
            assertThat(got.get(published - 1).json().get("event_timestamp").asLong()).isGreaterThanOrEqualTo(upAt);
            assertThat(sequenceNumbers(receiver.received())).isEqualTo(range(1, published));
            assertThat(got.stream().map(r -> r.json().get("text").asText()).toList())
                    .isEqualTo(range(1, published).stream().map(i -> "m" + i).toList());
            assertThat(got.stream().noneMatch(r -> r.json().has("discontinuity"))).isTrue();
        }
    }

    @Test
    void aNewWebhookStoresWhereItStartedSoARestartBeforeItsFirstDeliveryIsNoSilentSkip() throws Exception {
        try (RunningTern tern = RunningTern.start(FAST_RETRIES);
             WebhookReceiver receiver = WebhookReceiver.start(Duration.ZERO)) {
            TernHttp http = new TernHttp(tern);
            tern.createCache("c");
            receiver.down();
            putWebhook(tern, "c", "h", "t", receiver.url("/"));
            awaitDelivering(tern, "c", "h");
            // Before any delivery, the webhook already holds the topic's position as its cursor.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (TernHttp.json(tern.send("GET", "/caches/c/webhooks/h", null, null).body())
                    .get("delivery").get("sequence_page").asLong() == 0) {
                assertThat(System.nanoTime()).as("the new webhook never took a starting position").isLessThan(deadline);
                Thread.sleep(50);
            }
            for (int i = 1; i <= 3; i++) {
                http.publishText("c", "t", tern.superUserKey(), "m" + i);
            }
            Thread.sleep(500); // attempts fail while the receiver is down
            tern.restart();
            receiver.up();
            awaitDelivering(tern, "c", "h");
            // The memory engine forgot m1-m3 in the restart: the receiver is told, then gets what follows.
            http.publishText("c", "t", tern.superUserKey(), "new");
            List<Received> got = receiver.awaitCount(2, WAIT);
            assertThat(got.get(0).json().get("discontinuity").get("last_topic_sequence_number").asLong()).isEqualTo(0);
            assertThat(got.get(1).json().get("text").asText()).isEqualTo("new");
        }
    }

    @Test
    void aReceiverDownLongerThanHistoryGetsExactlyOneDiscontinuityThenTheNewMessages() throws Exception {
        try (RunningTern tern = RunningTern.start(concat(FAST_RETRIES, "--history-messages", "10"));
             WebhookReceiver receiver = WebhookReceiver.start(Duration.ZERO)) {
            TernHttp http = new TernHttp(tern);
            tern.createCache("c");
            String secret = putWebhook(tern, "c", "h", "t", receiver.url("/"));
            awaitDelivering(tern, "c", "h");
            http.publishText("c", "t", tern.superUserKey(), "m1");
            receiver.awaitCount(1, WAIT);
            awaitCursor(tern, "c", "h", 1);
            receiver.down();
            // More than the delivery queues (64) plus history (10): the middle is lost to this receiver.
            for (int i = 2; i <= 200; i++) {
                http.publishText("c", "t", tern.superUserKey(), "m" + i);
            }
            Thread.sleep(500);
            receiver.up();
            List<Received> gaps = new ArrayList<>();
            receiver.awaitCount(1, WAIT);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!sequenceNumbers(receiver.received()).contains(200L)) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(50);
            }
            for (Received request : receiver.received()) {
                if (request.json().has("discontinuity")) {
                    gaps.add(request);
                }
            }
            assertThat(gaps).hasSize(1);
            JsonNode gap = gaps.get(0).json().get("discontinuity");
            assertThat(gaps.get(0).header("momento-signature"))
                    .isEqualTo(HexFormat.of().formatHex(hmac("HmacSHA3-256", secret, gaps.get(0).body())));
            List<Long> numbers = sequenceNumbers(receiver.received());
            long last = gap.get("last_topic_sequence_number").asLong();
            long next = gap.get("new_topic_sequence_number").asLong();
            assertThat(next).isEqualTo(191); // history holds 191..200
            assertThat(numbers).isEqualTo(concat(range(1, last), range(next, 200)));
        }
    }

    @Test
    void errorsLateAnswersDroppedConnectionsAndHugeBodiesAreRetriedWithoutLoss() throws Exception {
        try (RunningTern tern = RunningTern.start(FAST_RETRIES);
             WebhookReceiver receiver = WebhookReceiver.start(Duration.ofMillis(1_500))) {
            TernHttp http = new TernHttp(tern);
            tern.createCache("c");
            putWebhook(tern, "c", "h", "t", receiver.url("/"));
            awaitDelivering(tern, "c", "h");
            receiver.misbehave(Behaviour.ERROR_500, 3);
            receiver.misbehave(Behaviour.LATE, 2);
            receiver.misbehave(Behaviour.DROP_CONNECTION, 2);
            receiver.misbehave(Behaviour.HUGE_BODY, 2);
            for (int i = 1; i <= 30; i++) {
                http.publishText("c", "t", tern.superUserKey(), "m" + i);
            }
            receiver.awaitCount(30, WAIT);
            Thread.sleep(500);
            assertThat(receiver.misbehaved()).isEqualTo(9);
            // A huge 200 answer counts as delivered (it is 2xx); its body is not read.
            assertThat(sequenceNumbers(receiver.received())).isEqualTo(range(1, 30));
            String metrics = tern.send("GET", "/metrics", null, null).body();
            assertThat(metrics).contains("tern_webhook_deliveries_total{result=\"failed\"} 7.0");
        }
    }

    @Test
    void aRotatedSecretSignsTheNextAttemptAndDeletingStopsDelivery() throws Exception {
        try (RunningTern tern = RunningTern.start(FAST_RETRIES);
             WebhookReceiver receiver = WebhookReceiver.start(Duration.ZERO)) {
            TernHttp http = new TernHttp(tern);
            tern.createCache("c");
            String first = putWebhook(tern, "c", "h", "t", receiver.url("/"));
            awaitDelivering(tern, "c", "h");
            http.publishText("c", "t", tern.superUserKey(), "before");
            Received before = receiver.awaitCount(1, WAIT).get(0);
            assertThat(before.header("momento-signature")).isEqualTo(HexFormat.of().formatHex(hmac("HmacSHA3-256", first, before.body())));

            HttpResponse<String> rotated = tern.send("POST", "/caches/c/webhooks/h/secret/rotate", null, null);
            assertThat(rotated.statusCode()).isEqualTo(200);
            String second = TernHttp.json(rotated.body()).get("secret").asText();
            assertThat(second).isNotEqualTo(first);
            assertThat(TernHttp.json(tern.send("GET", "/caches/c/webhooks/h/secret", null, null).body()).get("secret").asText())
                    .isEqualTo(second);
            http.publishText("c", "t", tern.superUserKey(), "after");
            Received after = receiver.awaitCount(2, WAIT).get(1);
            assertThat(after.header("momento-signature")).isEqualTo(HexFormat.of().formatHex(hmac("HmacSHA3-256", second, after.body())));

            assertThat(tern.send("DELETE", "/caches/c/webhooks/h", null, null).statusCode()).isEqualTo(204);
            http.publishText("c", "t", tern.superUserKey(), "unheard");
            Thread.sleep(1_000);
            assertThat(receiver.received()).hasSize(2);
            assertThat(tern.send("GET", "/caches/c/webhooks/h", null, null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aRestartResumesFromTheStoredCursorAndSaysWhatTheMemoryEngineLost() throws Exception {
        try (RunningTern tern = RunningTern.start(FAST_RETRIES);
             WebhookReceiver receiver = WebhookReceiver.start(Duration.ZERO)) {
            TernHttp http = new TernHttp(tern);
            tern.createCache("c");
            putWebhook(tern, "c", "h", "t", receiver.url("/"));
            awaitDelivering(tern, "c", "h");
            for (int i = 1; i <= 10; i++) {
                http.publishText("c", "t", tern.superUserKey(), "m" + i);
            }
            receiver.awaitCount(10, WAIT);
            awaitCursor(tern, "c", "h", 10);
            tern.restart();
            // Cursors live in a file of their own; the webhooks' file (with their secrets) holds no cursor.
            assertThat(Files.readString(tern.dataDir().resolve("webhook-cursors.json"))).contains("\"c/h\"", ":10\"");
            assertThat(Files.readString(tern.dataDir().resolve("webhooks.json"))).doesNotContain("cursor");
            awaitDelivering(tern, "c", "h");
            // The memory engine starts the topic afresh on a greater page: one discontinuity says so, then the new ones.
            http.publishText("c", "t", tern.superUserKey(), "new");
            List<Received> got = receiver.awaitCount(12, WAIT);
            Thread.sleep(300);
            assertThat(receiver.received()).hasSize(12);
            // The stored cursor survived the restart: the gap starts right after message 10.
            assertThat(got.get(10).json().get("discontinuity").get("last_topic_sequence_number").asLong()).isEqualTo(10);
            assertThat(got.get(11).json().get("text").asText()).isEqualTo("new");
        }
    }

    @Test
    void deletingTheCacheDeletesItsWebhooks() {
        try (RunningTern tern = RunningTern.start();
             WebhookReceiver receiver = WebhookReceiver.start(Duration.ZERO)) {
            tern.createCache("c");
            putWebhook(tern, "c", "h", "t", receiver.url("/"));
            assertThat(tern.send("DELETE", "/caches/c", null, null).statusCode()).isEqualTo(204);
            tern.createCache("c");
            assertThat(TernHttp.json(tern.send("GET", "/caches/c/webhooks", null, null).body()).get("webhooks")).isEmpty();
            tern.restart();
            assertThat(TernHttp.json(tern.send("GET", "/caches/c/webhooks", null, null).body()).get("webhooks")).isEmpty();
        }
    }

    static String putWebhook(RunningTern tern, String cache, String name, String topic, String url) {
        HttpResponse<String> put = tern.send("PUT", "/caches/" + cache + "/webhooks/" + name, "application/json",
                "{\"topic\": \"" + topic + "\", \"url\": \"" + url + "\"}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        return TernHttp.json(put.body()).get("secret").asText();
    }

    /** Waits until the node delivers the webhook (its subscription is in place), so no publish precedes it. */
    static void awaitDelivering(RunningTern tern, String cache, String name) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonNode state = TernHttp.json(tern.send("GET", "/caches/" + cache + "/webhooks/" + name, null, null).body());
            if (state.get("delivery").get("delivering").asBoolean()) {
                Thread.sleep(200); // the subscription is made on the delivery's event loop right after
                return;
            }
            assertThat(System.nanoTime()).as("webhook never started delivering").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Waits until Tern's cursor for the webhook reaches {@code sequenceNumber} (the receiver's answer arrived). */
    static void awaitCursor(RunningTern tern, String cache, String name, long sequenceNumber) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (TernHttp.json(tern.send("GET", "/caches/" + cache + "/webhooks/" + name, null, null).body())
                .get("delivery").get("last_sequence_number").asLong() < sequenceNumber) {
            assertThat(System.nanoTime()).as("the cursor never reached " + sequenceNumber).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    static List<Long> sequenceNumbers(List<Received> requests) {
        List<Long> numbers = new ArrayList<>();
        for (Received request : requests) {
            JsonNode number = request.json().get("topic_sequence_number");
            if (number != null) {
                numbers.add(number.asLong());
            }
        }
        return numbers;
    }

    static List<Long> range(long from, long to) {
        List<Long> numbers = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            numbers.add(i);
        }
        return numbers;
    }

    static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    static byte[] hmac(String algorithm, String secret, byte[] data) throws Exception {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
        return mac.doFinal(data);
    }
}
