package dev.tern.http;

import dev.tern.Main;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Graceful shutdown: waiting subscribers get an answer, the port closes, state stays on disk. */
class ShutdownTest {

    @Test
    void stoppingAnswersWaitingLongPollsAndClosesThePort() throws Exception {
        RunningTern tern = RunningTern.start("--long-poll-timeout", "30s");
        TernHttp http = new TernHttp(tern);
        String key = tern.superUserKey();
        tern.createCache("s");
        CompletableFuture<HttpResponse<String>> waiting = http.longPollAsync("s", "t", key, 0, 0);
        http.awaitSubscribers(1);
        int port = tern.port();

        long started = System.nanoTime();
        tern.close();
        long stopMillis = (System.nanoTime() - started) / 1_000_000;

        HttpResponse<String> answer = waiting.get(5, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(TernHttp.items(answer)).isEmpty();
        assertThat(stopMillis).as("a waiting long poll does not hold up the stop").isLessThan(5000);
        HttpClient client = HttpClient.newHttpClient();
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/livez"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.io.IOException.class);
    }

    /** {@code tern serve} in its own JVM, stopped with SIGTERM as a service manager would. */
    @Test
    void sigtermStopsTheServeCommandGracefully() throws Exception {
        Path dataDir = Files.createTempDirectory("tern-sigterm");
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
                "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir.toString(), "--long-poll-timeout", "30s"))
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            Pattern listening = Pattern.compile("Tern listening on 127\\.0\\.0\\.1:(\\d+)");
            int port = -1;
            for (String line = output.readLine(); line != null && port < 0; line = port < 0 ? output.readLine() : null) {
                Matcher matcher = listening.matcher(line);
                if (matcher.find()) {
                    port = Integer.parseInt(matcher.group(1));
                }
            }
            assertThat(port).as("the server printed its port").isPositive();
            Thread drain = new Thread(() -> {
                try {
                    output.lines().forEach(l -> { });
                } catch (RuntimeException closed) {
                    // the process is gone
                }
            });
            drain.setDaemon(true);
            drain.start();

            String key = Files.readString(dataDir.resolve("superuser-api-key")).trim();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI base = URI.create("http://127.0.0.1:" + port);
            HttpResponse<String> created = client.send(HttpRequest.newBuilder(base.resolve("/caches/sig"))
                    .header("Authorization", key).PUT(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(201);
            CompletableFuture<HttpResponse<String>> waiting = client.sendAsync(
                    HttpRequest.newBuilder(base.resolve("/topics/sig/t?sequence_number=0"))
                            .header("Authorization", key).build(), HttpResponse.BodyHandlers.ofString());
            HttpRequest metrics = HttpRequest.newBuilder(base.resolve("/metrics")).build();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> client
                    .send(metrics, HttpResponse.BodyHandlers.ofString()).body().contains("\ntern_subscribers 1.0"));

            process.destroy(); // SIGTERM

            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("the server exits after SIGTERM").isTrue();
            HttpResponse<String> answer;
            try {
                answer = waiting.get(5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError("the waiting long poll was cut off instead of answered", e);
            }
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(Files.readString(dataDir.resolve("caches.json"))).contains("\"sig\"");
        } finally {
            process.destroyForcibly();
            try (var files = Files.walk(dataDir)) {
                files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
