package dev.tern.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import dev.tern.tls.SelfSignedCertificate;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTPS destinations: certificates are verified; a private CA is trusted with --webhook-trust-store. */
class WebhookHttpsTest {
    private Vertx vertx;
    private HttpServer receiver;
    private Path certificate;
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startHttpsReceiver() throws Exception {
        Path dir = Files.createTempDirectory("webhook-tls");
        certificate = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        SelfSignedCertificate.create(List.of("localhost", "127.0.0.1"), Duration.ofDays(1)).write(certificate, key);
        vertx = Vertx.vertx();
        receiver = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
                        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(certificate.toString()).setKeyPath(key.toString())))
                .requestHandler(request -> request.body().onSuccess(body -> {
                    received.add(body.toString());
                    request.response().setStatusCode(204).end();
                }))
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPrivateCaIsTrustedOnlyWhenConfigured() throws Exception {
        String url = "https://127.0.0.1:" + receiver.actualPort() + "/hook";
        try (RunningTern untrusting = RunningTern.start("--webhook-retry-initial-backoff", "50ms",
                "--webhook-retry-max-backoff", "200ms")) {
            untrusting.createCache("c");
            WebhookDeliveryTest.putWebhook(untrusting, "c", "h", "t", url);
            WebhookDeliveryTest.awaitDelivering(untrusting, "c", "h");
            new TernHttp(untrusting).publishText("c", "t", untrusting.superUserKey(), "secret stuff");
            JsonNode state = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                state = TernHttp.json(untrusting.send("GET", "/caches/c/webhooks/h", null, null).body()).get("delivery");
                if (state.get("failed_attempts").asInt() > 0) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(state.get("failed_attempts").asInt()).isPositive();
            assertThat(state.get("last_error").asText()).isNotEmpty();
            assertThat(received).isEmpty();
        }
        try (RunningTern trusting = RunningTern.start("--webhook-trust-store", certificate.toString())) {
            trusting.createCache("c");
            WebhookDeliveryTest.putWebhook(trusting, "c", "h", "t", url);
            WebhookDeliveryTest.awaitDelivering(trusting, "c", "h");
            new TernHttp(trusting).publishText("c", "t", trusting.superUserKey(), "over tls");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (received.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(received).hasSize(1);
            assertThat(TernHttp.json(received.get(0)).get("text").asText()).isEqualTo("over tls");
        }
    }
}
