package dev.tern.http;

import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code /livez}, {@code /readyz} and {@code /metrics}, which need no token. */
class HealthAndMetricsTest {
    private static RunningTern tern;
    private static TernHttp http;
    private static String key;

    @BeforeAll
    static void start() {
        tern = RunningTern.start("--long-poll-timeout", "10s");
        http = new TernHttp(tern);
        key = tern.superUserKey();
        tern.createCache("m");
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    private static HttpResponse<String> get(String path) {
        return http.send(http.request(path).GET().build());
    }

    /** The value of a sample line, e.g. {@code tern_rejected_requests_total{reason="forbidden"}}; 0 when absent. */
    private static double sample(String series) {
        return get("/metrics").body().lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void livezAndReadyzAnswer200WithoutAToken() {
        assertThat(get("/livez").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("ready");
    }

    @Test
    void metricsAreInPrometheusFormatWithEveryTernSeries() {
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(response.body())
                .contains("# TYPE tern_publishes_total counter")
                .contains("# TYPE tern_deliveries_total counter")
                .contains("# TYPE tern_subscribers gauge")
                .contains("# TYPE tern_topics gauge")
                .contains("tern_rejected_requests_total{reason=\"unauthenticated\"}")
                .contains("tern_rejected_requests_total{reason=\"limit_exceeded\"}")
                .contains("tern_publish_latency_seconds_count");
    }

    @Test
    void readinessEngineAndSubscribersByTransportAreGauges() throws Exception {
        assertThat(sample("tern_ready")).isEqualTo(1);
        assertThat(sample("tern_engine_available{engine=\"memory\"}")).isEqualTo(1);
        double before = sample("tern_subscribers_by_transport{transport=\"long_poll\"}");
        CompletableFuture<HttpResponse<String>> poll = http.longPollAsync("m", "by-transport", key, 0, 0);
        await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> sample("tern_subscribers_by_transport{transport=\"long_poll\"}") == before + 1);
        assertThat(sample("tern_subscribers_by_transport{transport=\"sse\"}")).isZero();
        http.publishText("m", "by-transport", key, "x");
        assertThat(poll.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> sample("tern_subscribers_by_transport{transport=\"long_poll\"}") == before);
    }

    @Test
    void countersFollowWhatHappens() throws Exception {
        double publishes = sample("tern_publishes_total");
        double deliveries = sample("tern_deliveries_total");
        double unauthenticated = sample("tern_rejected_requests_total{reason=\"unauthenticated\"}");
        double notFound = sample("tern_rejected_requests_total{reason=\"not_found\"}");
        double latencyCount = sample("tern_publish_latency_seconds_count");

        CompletableFuture<HttpResponse<String>> poll = http.longPollAsync("m", "counted", key, 0, 0);
        await().atMost(java.time.Duration.ofSeconds(5)).until(() -> sample("tern_subscribers") >= 1);
        assertThat(sample("tern_topics")).isGreaterThanOrEqualTo(1);
        for (int i = 0; i < 3; i++) {
            assertThat(http.publishText("m", "counted", key, "x").statusCode()).isEqualTo(204);
        }
        assertThat(TernHttp.items(poll.get(5, TimeUnit.SECONDS))).isNotEmpty();
        http.publishText("m", "counted", "bad-token", "x");
        http.publish("m", "counted", null, "text/plain", "x".getBytes());
        http.publishText("absent", "counted", key, "x");

        assertThat(sample("tern_publishes_total")).isEqualTo(publishes + 3);
        assertThat(sample("tern_deliveries_total")).isGreaterThanOrEqualTo(deliveries + 1);
        assertThat(sample("tern_publish_latency_seconds_count")).isEqualTo(latencyCount + 3);
        assertThat(sample("tern_rejected_requests_total{reason=\"unauthenticated\"}")).isEqualTo(unauthenticated + 2);
        assertThat(sample("tern_rejected_requests_total{reason=\"not_found\"}")).isEqualTo(notFound + 1);
        await().atMost(java.time.Duration.ofSeconds(5)).until(() -> sample("tern_subscribers") == 0);
    }
}
