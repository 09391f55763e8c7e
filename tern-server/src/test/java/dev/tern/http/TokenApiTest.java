package dev.tern.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /tokens}: minting disposable tokens and every way a request can be refused. */
class TokenApiTest {
    private static final String TOPIC_PERMISSION = "{\"role\": \"publishsubscribe\", \"cache\": \"tok\", \"topic\": \"*\"}";
    private static RunningTern tern;
    private static TernHttp http;
    private static String key;

    @BeforeAll
    static void start() {
        tern = RunningTern.start("--public-endpoint", "tern.example.com:8443", "--long-poll-timeout", "1s");
        http = new TernHttp(tern);
        key = tern.superUserKey();
        tern.createCache("tok");
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    private static HttpResponse<String> mint(String token, String json) {
        HttpRequest.Builder request = http.request("/tokens")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", token);
        }
        return http.send(request.build());
    }

    @Test
    void mintAnswersTokenEndpointAndValidUntil() {
        long before = Instant.now().getEpochSecond();
        HttpResponse<String> response = mint(key, "{\"expires_in_seconds\": 600, \"token_id\": \"abc\", \"permissions\": ["
                + TOPIC_PERMISSION + "]}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = TernHttp.json(response.body());
        assertThat(body.get("endpoint").asText()).isEqualTo("tern.example.com:8443");
        assertThat(body.get("valid_until").isIntegralNumber()).isTrue();
        assertThat(body.get("valid_until").asLong()).isBetween(before + 600, Instant.now().getEpochSecond() + 600);
        String token = body.get("token").asText();
        JsonNode v1 = TernHttp.json(new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8));
        assertThat(v1.get("endpoint").asText()).isEqualTo("tern.example.com:8443");
        assertThat(v1.get("api_key").asText()).isNotBlank();
        assertThat(http.publishText("tok", "t", token, "works").statusCode()).isEqualTo(204);
    }

    @Test
    void tenPermissionsAreAllowed() {
        String permissions = String.join(",", java.util.Collections.nCopies(10, TOPIC_PERMISSION));
        assertThat(mint(key, "{\"expires_in_seconds\": 60, \"permissions\": [" + permissions + "]}").statusCode())
                .isEqualTo(200);
    }

    @Test
    void anHourIsAllowed() {
        assertThat(mint(key, "{\"expires_in_seconds\": 3600, \"permissions\": \"super_user\"}").statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "{\"expires_in_seconds\": 3601, \"permissions\": \"super_user\"}",
            "{\"expires_in_seconds\": 0, \"permissions\": \"super_user\"}",
            "{\"expires_in_seconds\": -5, \"permissions\": \"super_user\"}",
            "{\"expires_in_seconds\": 1.5, \"permissions\": \"super_user\"}",
            "{\"expires_in_seconds\": \"60\", \"permissions\": \"super_user\"}",
            "{\"permissions\": \"super_user\"}",
            "{\"expires_in_seconds\": 60}",
            "{\"expires_in_seconds\": 60, \"permissions\": []}",
            "{\"expires_in_seconds\": 60, \"permissions\": \"everything\"}",
            "{\"expires_in_seconds\": 60, \"permissions\": [{\"role\": \"admin\", \"cache\": \"tok\", \"topic\": \"*\"}]}",
            "{\"expires_in_seconds\": 60, \"permissions\": [{\"cache\": \"tok\", \"topic\": \"*\"}]}",
            "{\"expires_in_seconds\": 60, \"permissions\": [{\"role\": \"publishonly\", \"topic\": \"*\"}]}",
            "{\"expires_in_seconds\": 60, \"permissions\": [{\"role\": \"publishonly\", \"cache\": \"tok\"}]}",
            "{\"expires_in_seconds\": 60, \"permissions\": [{\"role\": \"publishonly\", \"cache\": \"tok\", \"topic\": {\"suffix\": \"x\"}}]}",
            "{\"expires_in_seconds\": 60, \"permissions\": [{\"role\": \"publishonly\", \"cache\": \"bad name\", \"topic\": \"*\"}]}",
            "{\"expires_in_seconds\": 60, \"permissions\": [\"publishonly\"]}",
            "{\"expires_in_seconds\": 60, \"token_id\": 7, \"permissions\": \"super_user\"}",
            "{\"expires_in_seconds\": 60, \"token_id\": \"\", \"permissions\": \"super_user\"}",
            "not json at all",
            "[]",
            ""})
    void invalidRequestsAre400(String body) {
        HttpResponse<String> response = mint(key, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).isNotBlank();
    }

    @Test
    void elevenPermissionsAre400() {
        String permissions = String.join(",", java.util.Collections.nCopies(11, TOPIC_PERMISSION));
        HttpResponse<String> response = mint(key, "{\"expires_in_seconds\": 60, \"permissions\": [" + permissions + "]}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("10");
    }

    @Test
    void aDisposableTokenCannotMintTokens() {
        String disposableSuperUser = tern.mintToken("{\"expires_in_seconds\": 600, \"permissions\": \"super_user\"}");
        String scoped = tern.mintToken("{\"expires_in_seconds\": 600, \"permissions\": [" + TOPIC_PERMISSION + "]}");

        assertThat(mint(disposableSuperUser, "{\"expires_in_seconds\": 60, \"permissions\": \"super_user\"}").statusCode())
                .isEqualTo(403);
        assertThat(mint(scoped, "{\"expires_in_seconds\": 60, \"permissions\": [" + TOPIC_PERMISSION + "]}").statusCode())
                .isEqualTo(403);
    }

    @Test
    void mintingWithoutAValidTokenIs401() {
        assertThat(mint(null, "{\"expires_in_seconds\": 60, \"permissions\": \"super_user\"}").statusCode()).isEqualTo(401);
        assertThat(mint("forged", "{\"expires_in_seconds\": 60, \"permissions\": \"super_user\"}").statusCode()).isEqualTo(401);
    }

    @Test
    void aDisposableSuperUserTokenMayPublishAnywhere() {
        String token = tern.mintToken("{\"expires_in_seconds\": 600, \"permissions\": \"super_user\"}");
        assertThat(http.publishText("tok", "anything", token, "x").statusCode()).isEqualTo(204);
    }
}
