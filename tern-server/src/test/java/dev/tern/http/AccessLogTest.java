package dev.tern.http;

import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The access log (logger {@code dev.tern.access}, written to standard output) never shows a token. */
class AccessLogTest {

    @Test
    void accessLogHasOneLinePerRequestAndNeverATokenValue() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (RunningTern tern = RunningTern.start("--access-log", "true", "--long-poll-timeout", "200ms")) {
            TernHttp http = new TernHttp(tern);
            String key = tern.superUserKey();
            String inner = TernHttp.innerKey(key);
            tern.createCache("logged");
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));

            http.send(http.request("/topics/logged/secret-topic?token=" + TernHttp.urlEncode(key))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build());
            http.send(http.request("/topics/logged/secret-topic?sequence_number=1&token=" + inner).GET().build());
            http.send(http.request("/topics/logged/secret-topic?token=wrong-" + inner)
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build());
            http.publishText("logged", "secret-topic", "Bearer " + key, "x");
            // A query the server cannot decode must not get the token into the log through an error message.
            assertThat(http.rawStatus("POST", "/topics/logged/secret-topic?token=" + key + "%ZZ", null, "x")).isEqualTo(400);

            await().atMost(Duration.ofSeconds(5)).until(() -> captured.toString(StandardCharsets.UTF_8)
                    .lines().filter(l -> l.contains("secret-topic")).count() >= 5);
            String log = captured.toString(StandardCharsets.UTF_8);
            assertThat(log).contains("POST /topics/logged/secret-topic 204")
                    .contains("GET /topics/logged/secret-topic 200")
                    .contains("POST /topics/logged/secret-topic 401")
                    .contains("POST /topics/logged/secret-topic 400");
            assertThat(log).doesNotContain(key).doesNotContain(inner).doesNotContain("token=")
                    .doesNotContain(inner.substring(inner.lastIndexOf('.') + 1));
        } finally {
            System.setOut(original);
        }
    }
}
