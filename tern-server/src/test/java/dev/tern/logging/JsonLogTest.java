package dev.tern.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.Main;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tern serve --log-format json} in its own JVM (the format belongs to the process): every line it writes is
 * one JSON object, the access log has its fields, and neither the super-user key nor a token ever appears.
 */
class JsonLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyLineIsOneJsonObjectAndNoneHoldsASecret() throws Exception {
        Path dataDir = Files.createTempDirectory("tern-json-log");
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "--log-format", "json",
                "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir.toString(), "--long-poll-timeout", "200ms"))
                .redirectErrorStream(true)
                .start();
        List<String> lines = new ArrayList<>();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            Pattern listening = Pattern.compile("Tern listening on 127\\.0\\.0\\.1:(\\d+)");
            int port = -1;
            while (port < 0) {
                String line = output.readLine();
                assertThat(line).as("tern serve exited before listening; output: %s", lines).isNotNull();
                lines.add(line);
                Matcher matcher = listening.matcher(line);
                if (matcher.find()) {
                    port = Integer.parseInt(matcher.group(1));
                }
            }
            String key = Files.readString(dataDir.resolve("superuser-api-key")).trim();
            String base = "http://127.0.0.1:" + port;
            HttpClient http = HttpClient.newHttpClient();
            assertThat(send(http, HttpRequest.newBuilder(URI.create(base + "/caches/logged"))
                    .header("Authorization", key).PUT(HttpRequest.BodyPublishers.noBody()))).isEqualTo(201);
            String topic = base + "/topics/logged/t";
            assertThat(send(http, HttpRequest.newBuilder(URI.create(topic + "?token=" + URLEncoder.encode(key, StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString("x")))).isEqualTo(204);
            assertThat(send(http, HttpRequest.newBuilder(URI.create(topic + "?sequence_number=1"))
                    .header("Authorization", "Bearer " + key).GET())).isEqualTo(200);
            assertThat(send(http, HttpRequest.newBuilder(URI.create(topic + "?token=not-" + key.substring(0, 20)))
                    .POST(HttpRequest.BodyPublishers.ofString("x")))).isEqualTo(401);

            process.toHandle().destroy();   // SIGTERM (without closing our end of its output): the shutdown is logged too
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                lines.add(line);
            }
            List<JsonNode> access = new ArrayList<>();
            for (String line : lines) {
                JsonNode entry = JSON.readTree(line);
                assertThat(entry.isObject()).as(line).isTrue();
                assertThat(entry.path("time").asText()).as(line).isNotEmpty();
                assertThat(entry.path("level").asText()).as(line).isNotEmpty();
                assertThat(entry.path("message").asText()).as(line).isNotEmpty();
                if (entry.path("logger").asText().equals("dev.tern.access")) {
                    access.add(entry);
                }
            }
            assertThat(String.join("\n", lines))
                    .contains("Created a super-user API key in")
                    .doesNotContain(key).doesNotContain(key.substring(key.length() - 24)).doesNotContain("token=");
            assertThat(access).extracting(e -> e.path("method").asText() + " " + e.path("path").asText() + " "
                            + e.path("status").asInt())
                    .contains("PUT /caches/logged 201", "POST /topics/logged/t 204", "GET /topics/logged/t 200",
                            "POST /topics/logged/t 401");
            assertThat(access).allSatisfy(e -> {
                assertThat(e.path("status").isNumber()).isTrue();
                assertThat(e.path("bytes").isNumber()).isTrue();
                assertThat(e.path("ms").isNumber()).isTrue();
                assertThat(e.path("client").asText()).isEqualTo("127.0.0.1");
            });
        } finally {
            process.destroyForcibly();
        }
    }

    private static int send(HttpClient http, HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
