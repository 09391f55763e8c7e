package dev.tern.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningRedis;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Signing-key rotation: tokens name their key with {@code kid}; after a rotation the previous key's tokens work for
 * the grace period, then are refused, while new tokens and the data directory's super-user key (signed anew) work.
 */
class SigningKeyRotationTest {

    private static String kid(String credential) {
        String inner = TernHttp.innerKey(credential);
        return TernHttp.json(new String(Base64.getUrlDecoder().decode(inner.split("\\.")[0]), StandardCharsets.UTF_8))
                .get("kid").asText();
    }

    private static int caches(RunningTern tern, String token) {
        return tern.send("GET", "/caches", null, null).statusCode() == 200 ? status(tern, token) : -1;
    }

    private static int status(RunningTern tern, String token) {
        return new TernHttp(tern).rawStatus("GET", "/caches", token, "");
    }

    private static JsonNode rotate(RunningTern tern, int graceSeconds) {
        HttpResponse<String> rotated = tern.send("POST", "/signing-keys/rotate", "application/json",
                "{\"grace_seconds\": " + graceSeconds + "}");
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        return TernHttp.json(rotated.body());
    }

    @Test
    void previousKeysTokensWorkDuringTheGracePeriodOnly() throws Exception {
        try (RunningTern tern = RunningTern.start()) {
            String oldToken = tern.mintToken("{\"expires_in_seconds\": 600, \"permissions\": \"super_user\"}");
            String oldSuperKey = tern.superUserKey();
            assertThat(kid(oldToken)).isEqualTo("k0");

            JsonNode rotated = rotate(tern, 2);
            assertThat(rotated.get("previous_kid").asText()).isEqualTo("k0");
            String newKid = rotated.get("kid").asText();
            assertThat(kid(tern.superUserKey())).isEqualTo(newKid); // signed anew, same key id
            String newToken = tern.mintToken("{\"expires_in_seconds\": 600, \"permissions\": \"super_user\"}");
            assertThat(kid(newToken)).isEqualTo(newKid);
            assertThat(caches(tern, oldToken)).isEqualTo(200);
            assertThat(caches(tern, oldSuperKey)).isEqualTo(200);

            await().atMost(java.time.Duration.ofSeconds(10)).until(() -> status(tern, oldToken) == 401);
            assertThat(status(tern, oldSuperKey)).isEqualTo(401);
            assertThat(caches(tern, newToken)).isEqualTo(200);
            JsonNode listed = TernHttp.json(tern.send("GET", "/signing-keys", null, null).body());
            assertThat(listed.get("current").asText()).isEqualTo(newKid);
            assertThat(listed.toString()).doesNotContain("secret");

            tern.restart();
            assertThat(caches(tern, newToken)).isEqualTo(200);
            assertThat(status(tern, oldToken)).isEqualTo(401);
            assertThat(tern.send("POST", "/signing-keys/rotate", "application/json", "{\"grace_seconds\": -1}").statusCode())
                    .isEqualTo(400);
        }
    }

    @Test
    void aRotationReachesEveryNodeOnRedis() throws Exception {
        try (RunningRedis redis = RunningRedis.start();
             RunningTern a = RunningTern.start("--engine", "redis", "--redis-url", redis.url());
             RunningTern b = RunningTern.start("--engine", "redis", "--redis-url", redis.url())) {
            String oldToken = b.mintToken("{\"expires_in_seconds\": 600, \"permissions\": \"super_user\"}");
            // A grace period well beyond how long a rotation takes to reach the other node (about a second).
            String newKid = rotate(a, 12).get("kid").asText();
            await().atMost(java.time.Duration.ofSeconds(8)).until(() -> kid(
                    b.mintToken("{\"expires_in_seconds\": 600, \"permissions\": \"super_user\"}")).equals(newKid));
            String newOnA = a.mintToken("{\"expires_in_seconds\": 600, \"permissions\": \"super_user\"}");
            assertThat(status(b, newOnA)).isEqualTo(200);
            assertThat(status(b, oldToken)).isEqualTo(200);
            await().atMost(java.time.Duration.ofSeconds(30)).until(() -> status(b, oldToken) == 401 && status(a, oldToken) == 401);
            assertThat(status(b, b.superUserKey())).isEqualTo(200);
            assertThat(status(a, newOnA)).isEqualTo(200);
        }
    }

    @Test
    void aRedisRestartedEmptyGetsTheSigningKeysAndTheRevocationsBack() throws Exception {
        try (RunningRedis redis = RunningRedis.start();
             RunningTern a = RunningTern.start("--engine", "redis", "--redis-url", redis.url(), "--redis-timeout", "1s")) {
            rotate(a, 3600);
            String token = a.mintToken("{\"expires_in_seconds\": 600, \"permissions\": \"super_user\"}");
            HttpResponse<String> created = a.send("POST", "/api-keys", "application/json", "{\"permissions\": \"super_user\"}");
            JsonNode key = TernHttp.json(created.body());
            assertThat(a.send("DELETE", "/api-keys/" + key.get("id").asText(), null, null).statusCode()).isEqualTo(204);

            redis.stopEmpty();
            redis.startAgain();
            await().atMost(java.time.Duration.ofSeconds(15)).until(() -> a.send("GET", "/readyz", null, null).statusCode() == 200);
            // Wait until node A has put the signing keys back: a node started before that makes a signing key of its
            // own (a known gap, docs/security.md), which is not what this test is about.
            await().atMost(java.time.Duration.ofSeconds(15)).until(() -> {
                try {
                    return kid(token).equals(redis.bulk("GET", "tern:signing-current"));
                } catch (RuntimeException notYet) {
                    return false;
                }
            });
            // The node put back what Redis lost; a node started now signs and verifies as the first one does.
            await().atMost(java.time.Duration.ofSeconds(40)).until(() -> {
                try (RunningTern c = RunningTern.start("--engine", "redis", "--redis-url", redis.url())) {
                    String minted = c.mintToken("{\"expires_in_seconds\": 60, \"permissions\": \"super_user\"}");
                    return status(c, token) == 200 && status(c, key.get("api_key").asText()) == 401 && kid(minted).equals(kid(token));
                }
            });
        }
    }
}
