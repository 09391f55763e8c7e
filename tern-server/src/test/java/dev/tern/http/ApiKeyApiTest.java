package dev.tern.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** Long-lived API keys over HTTP: create, use, list, refresh, revoke, and every way a request is refused. */
class ApiKeyApiTest {
    private static final String PUBSUB_ORDERS = "[{\"role\": \"publishsubscribe\", \"cache\": \"keys\", \"topic\": \"orders\"}]";
    private static RunningTern tern;
    private static TernHttp http;
    private static String superKey;

    @BeforeAll
    static void start() {
        tern = RunningTern.start("--long-poll-timeout", "1s");
        http = new TernHttp(tern);
        superKey = tern.superUserKey();
        tern.createCache("keys");
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    private static HttpResponse<String> post(String path, String token, String json) {
        HttpRequest.Builder request = http.request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", token);
        }
        return http.send(request.build());
    }

    private static HttpResponse<String> call(String method, String path, String token) {
        HttpRequest.Builder request = http.request(path).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", token);
        }
        return http.send(request.build());
    }

    private static JsonNode create(String json) {
        HttpResponse<String> response = post("/api-keys", superKey, json);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return TernHttp.json(response.body());
    }

    private static int publish(String token, String topic) {
        return http.publishText("keys", topic, token, "x").statusCode();
    }

    @Test
    void aKeyThatNeverExpiresWorksForWhatItGrantsOnly() {
        JsonNode key = create("{\"description\": \"orders service\", \"permissions\": " + PUBSUB_ORDERS + "}");
        assertThat(key.get("id").asText()).isNotBlank();
        assertThat(key.get("valid_until").asLong()).isZero();
        assertThat(key.get("endpoint").asText()).isEqualTo("localhost:" + tern.port());
        assertThat(key.get("refresh_token").asText()).startsWith(key.get("id").asText() + ".");
        JsonNode v1 = TernHttp.json(new String(Base64.getDecoder().decode(key.get("api_key").asText()), StandardCharsets.UTF_8));
        assertThat(v1.get("endpoint").asText()).isEqualTo("localhost:" + tern.port());

        String apiKey = key.get("api_key").asText();
        assertThat(publish(apiKey, "orders")).isEqualTo(204);
        assertThat(publish(apiKey, "other")).isEqualTo(403);
        assertThat(call("GET", "/caches", apiKey).statusCode()).isEqualTo(403);
        assertThat(post("/api-keys", apiKey, "{\"permissions\": \"super_user\"}").statusCode()).isEqualTo(403);

        JsonNode listed = TernHttp.json(call("GET", "/api-keys", superKey).body()).get("api_keys");
        JsonNode entry = null;
        for (JsonNode candidate : listed) {
            if (candidate.get("id").asText().equals(key.get("id").asText())) {
                entry = candidate;
            }
        }
        assertThat(entry).isNotNull();
        assertThat(entry.get("description").asText()).isEqualTo("orders service");
        assertThat(entry.get("expires").asLong()).isZero();
        assertThat(entry.get("permissions").get(0).get("topic").asText()).isEqualTo("orders");
        assertThat(entry.toString()).doesNotContain("refresh");
    }

    @Test
    void anExpiringKeyIsRefusedOnceExpired() throws InterruptedException {
        long before = Instant.now().getEpochSecond();
        JsonNode key = create("{\"expires_in_seconds\": 1, \"permissions\": \"super_user\"}");
        assertThat(key.get("valid_until").asLong()).isBetween(before + 1, Instant.now().getEpochSecond() + 1);
        Thread.sleep(2_100);
        HttpResponse<String> refused = call("GET", "/caches", key.get("api_key").asText());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("expired");
        HttpResponse<String> refresh = post("/api-keys/refresh", null, "{\"api_key\": \"" + key.get("api_key").asText()
                + "\", \"refresh_token\": \"" + key.get("refresh_token").asText() + "\"}");
        assertThat(refresh.statusCode()).isEqualTo(401);
    }

    @Test
    void refreshGivesAWorkingPairOnceAndKeepsTheValidityWindow() throws InterruptedException {
        JsonNode key = create("{\"expires_in_seconds\": 600, \"token_id\": \"svc\", \"permissions\": " + PUBSUB_ORDERS + "}");
        Thread.sleep(1_100);
        String body = "{\"api_key\": \"" + key.get("api_key").asText() + "\", \"refresh_token\": \""
                + key.get("refresh_token").asText() + "\"}";
        HttpResponse<String> refreshed = post("/api-keys/refresh", null, body);
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        JsonNode pair = TernHttp.json(refreshed.body());
        assertThat(pair.get("id").asText()).isNotEqualTo(key.get("id").asText());
        assertThat(pair.get("valid_until").asLong() - key.get("valid_until").asLong()).isBetween(1L, 10L);
        assertThat(publish(pair.get("api_key").asText(), "orders")).isEqualTo(204);
        assertThat(publish(pair.get("api_key").asText(), "other")).isEqualTo(403);

        HttpResponse<String> again = post("/api-keys/refresh", null, body);
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(again.body()).contains("already used");

        // The new refresh token with the old key (or any other key) is refused, and stays usable with its own key.
        HttpResponse<String> crossed = post("/api-keys/refresh", null, "{\"api_key\": \"" + key.get("api_key").asText()
                + "\", \"refresh_token\": \"" + pair.get("refresh_token").asText() + "\"}");
        assertThat(crossed.statusCode()).isEqualTo(401);
        HttpResponse<String> own = post("/api-keys/refresh", null, "{\"api_key\": \"" + pair.get("api_key").asText()
                + "\", \"refresh_token\": \"" + pair.get("refresh_token").asText() + "\"}");
        assertThat(own.statusCode()).isEqualTo(200);
    }

    @Test
    void aRevokedKeyIsRefusedAndUnlisted() {
        JsonNode key = create("{\"permissions\": " + PUBSUB_ORDERS + "}");
        String apiKey = key.get("api_key").asText();
        assertThat(publish(apiKey, "orders")).isEqualTo(204);
        assertThat(call("DELETE", "/api-keys/" + key.get("id").asText(), superKey).statusCode()).isEqualTo(204);
        HttpResponse<String> refused = http.publishText("keys", "orders", apiKey, "x");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("revoked");
        assertThat(call("GET", "/api-keys", superKey).body()).doesNotContain(key.get("id").asText());
        assertThat(call("DELETE", "/api-keys/" + key.get("id").asText(), superKey).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", "/api-keys/no-such-id", superKey).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", "/api-keys/" + key.get("id").asText(), apiKey).statusCode()).isEqualTo(401);
    }

    @Test
    void revokingATokenIdRefusesTheTokensMintedWithItSoFar() throws InterruptedException {
        String token = tern.mintToken("{\"expires_in_seconds\": 600, \"token_id\": \"device-7\", \"permissions\": \"super_user\"}");
        String otherId = tern.mintToken("{\"expires_in_seconds\": 600, \"token_id\": \"device-8\", \"permissions\": \"super_user\"}");
        assertThat(publish(token, "orders")).isEqualTo(204);
        assertThat(post("/tokens/revoke", superKey, "{\"token_id\": \"device-7\"}").statusCode()).isEqualTo(204);
        assertThat(publish(token, "orders")).isEqualTo(401);
        assertThat(publish(otherId, "orders")).isEqualTo(204);
        Thread.sleep(1_100); // minted in a later second than the revocation
        String later = tern.mintToken("{\"expires_in_seconds\": 600, \"token_id\": \"device-7\", \"permissions\": \"super_user\"}");
        assertThat(publish(later, "orders")).isEqualTo(204);

        assertThat(post("/tokens/revoke", otherId, "{\"token_id\": \"device-7\"}").statusCode()).isEqualTo(403);
        assertThat(post("/tokens/revoke", superKey, "{\"id\": \"device-7\"}").statusCode()).isEqualTo(400);
        assertThat(post("/tokens/revoke", superKey, "[1]").statusCode()).isEqualTo(400);
    }

    @Test
    void aV2KeyIsTheJwtItselfAndWorks() throws Exception {
        JsonNode key = create("{\"v2\": true, \"permissions\": \"super_user\"}");
        String v2 = key.get("api_key").asText();
        assertThat(v2.split("\\.")).hasSize(3);
        JsonNode claims = TernHttp.json(new String(Base64.getUrlDecoder().decode(v2.split("\\.")[1]), StandardCharsets.UTF_8));
        assertThat(claims.get("t").asText()).isEqualTo("g");
        assertThat(call("GET", "/caches", v2).statusCode()).isEqualTo(200);

        String fileKey = Files.readString(tern.dataDir().resolve("superuser-api-key-v2")).trim();
        assertThat(call("GET", "/caches", fileKey).statusCode()).isEqualTo(200);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tern.dataDir().resolve("api-keys.json"))))
                .isEqualTo("rw-------");
    }

    @Test
    void badRequestsAreRefusedWithClearStatuses() {
        String[] invalid = {
                "{\"expires_in_seconds\": 0, \"permissions\": \"super_user\"}",
                "{\"expires_in_seconds\": -5, \"permissions\": \"super_user\"}",
                "{\"expires_in_seconds\": 1.5, \"permissions\": \"super_user\"}",
                "{\"expires_in_seconds\": 99999999999, \"permissions\": \"super_user\"}",
                "{\"permissions\": []}",
                "{}",
                "{\"permissions\": \"super_user\", \"v2\": \"yes\"}",
                "{\"permissions\": \"super_user\", \"description\": 5}",
                "not json",
        };
        for (String body : invalid) {
            assertThat(post("/api-keys", superKey, body).statusCode()).as(body).isEqualTo(400);
        }
        StringBuilder many = new StringBuilder("{\"permissions\": [");
        for (int i = 0; i < 101; i++) {
            many.append(i == 0 ? "" : ",").append("{\"role\":\"publishonly\",\"cache\":\"keys\",\"topic\":\"t").append(i).append("\"}");
        }
        HttpResponse<String> tooMany = post("/api-keys", superKey, many.append("]}").toString());
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.body()).contains("100");

        String token = tern.mintToken("{\"expires_in_seconds\": 600, \"permissions\": \"super_user\"}");
        assertThat(post("/api-keys", token, "{\"permissions\": \"super_user\"}").statusCode()).isEqualTo(403);
        assertThat(post("/api-keys", null, "{\"permissions\": \"super_user\"}").statusCode()).isEqualTo(401);

        assertThat(post("/api-keys/refresh", null, "{}").statusCode()).isEqualTo(400);
        assertThat(post("/api-keys/refresh", null, "{\"api_key\": \"x.y.z\", \"refresh_token\": \"a.b\"}").statusCode()).isEqualTo(401);
        assertThat(post("/api-keys/refresh", null, "{\"api_key\": \"" + token + "\", \"refresh_token\": \"a.b\"}").statusCode()).isEqualTo(400);
    }

    @Test
    void forgedAndMalformedKeysAreRefusedWith401() {
        String inner = TernHttp.innerKey(superKey);
        String[] parts = inner.split("\\.");
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String noneHeader = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String forgedClaims = b64.encodeToString("{\"jti\":\"x\",\"su\":true,\"t\":\"g\",\"lk\":true}".getBytes(StandardCharsets.UTF_8));
        String[] bad = {
                noneHeader + "." + parts[1] + ".",
                noneHeader + "." + forgedClaims + ".",
                parts[0] + "." + forgedClaims + "." + parts[2],
                parts[0] + "." + forgedClaims + "." + b64.encodeToString(new byte[32]),
                "a.b.c",
                "...",
                "not-a-jwt",
                parts[0] + "." + parts[1],
                parts[0] + ".!!!." + parts[2],
                b64.encodeToString("{\"alg\":\"HS256\",\"kid\":\"nope\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + "." + parts[2],
        };
        for (String key : bad) {
            assertThat(call("GET", "/caches", key).statusCode()).as(key).isEqualTo(401);
            assertThat(http.publishText("keys", "orders", key, "x").statusCode()).as(key).isEqualTo(401);
        }
    }

    @Test
    void aRevokedKeyStaysRevokedAfterARestart() {
        JsonNode key = create("{\"permissions\": \"super_user\"}");
        String apiKey = key.get("api_key").asText();
        assertThat(call("DELETE", "/api-keys/" + key.get("id").asText(), superKey).statusCode()).isEqualTo(204);
        JsonNode kept = create("{\"description\": \"kept\", \"permissions\": \"super_user\"}");
        tern.restart();
        assertThat(call("GET", "/caches", apiKey).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/caches", kept.get("api_key").asText()).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api-keys", superKey).body()).contains(kept.get("id").asText());
    }
}
