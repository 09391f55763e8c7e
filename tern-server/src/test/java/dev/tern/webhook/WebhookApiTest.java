package dev.tern.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook control API over HTTP: create or replace, list, secrets, limits, and refusals of bad input. */
class WebhookApiTest {

    private static HttpResponse<String> put(RunningTern tern, String cache, String name, String body) {
        return tern.send("PUT", "/caches/" + cache + "/webhooks/" + name, "application/json", body);
    }

    private static JsonNode listed(RunningTern tern, String cache) {
        return TernHttp.json(tern.send("GET", "/caches/" + cache + "/webhooks", null, null).body()).get("webhooks");
    }

    @Test
    void putReplacesKeepingTheSecretAndListShowsWebhooksWithoutSecrets() {
        try (RunningTern tern = RunningTern.start()) {
            tern.createCache("c");
            HttpResponse<String> first = put(tern, "c", "a%20hook", "{\"topic\": \"t1\", \"url\": \"http://127.0.0.1:9/one\"}");
            assertThat(first.statusCode()).isEqualTo(200);
            String secret = TernHttp.json(first.body()).get("secret").asText();
            assertThat(secret).hasSizeGreaterThan(30);
            HttpResponse<String> second = put(tern, "c", "a%20hook", "{\"topic\": \"t2\", \"url\": \"http://localhost:9/two\"}");
            assertThat(TernHttp.json(second.body()).get("secret").asText()).isEqualTo(secret);
            JsonNode all = listed(tern, "c");
            assertThat(all).hasSize(1);
            assertThat(all.get(0).get("name").asText()).isEqualTo("a hook");
            assertThat(all.get(0).get("topic").asText()).isEqualTo("t2");
            assertThat(all.get(0).get("url").asText()).isEqualTo("http://localhost:9/two");
            assertThat(all.get(0).has("secret")).isFalse();
            assertThat(all.get(0).get("delivery").has("next_attempt_at")).isTrue();
            tern.restart();
            assertThat(listed(tern, "c")).hasSize(1);
            assertThat(TernHttp.json(tern.send("GET", "/caches/c/webhooks/a%20hook/secret", null, null).body())
                    .get("secret").asText()).isEqualTo(secret);
        }
    }

    @Test
    void badInputIsRefusedClearlyAndNothingIsStored() {
        try (RunningTern tern = RunningTern.start()) {
            tern.createCache("c");
            String ok = "http://127.0.0.1:9/";
            String longName = "n".repeat(129);
            assertThat(put(tern, "c", longName, "{\"topic\": \"t\", \"url\": \"" + ok + "\"}").body())
                    .contains("at most 128 characters");
            assertThat(put(tern, "c", longName, "{\"topic\": \"t\", \"url\": \"" + ok + "\"}").statusCode()).isEqualTo(400);
            assertThat(put(tern, "missing", "h", "{\"topic\": \"t\", \"url\": \"" + ok + "\"}").statusCode()).isEqualTo(404);
            for (String url : new String[]{"ftp://127.0.0.1/x", "http://169.254.169.254/latest/meta-data",
                    "http://[fd00:ec2::254]/", "http://[fe80::1]/", "http://user:pw@127.0.0.1:9/", "not a url",
                    "http://[::ffff:169.254.169.254]/", "file:///etc/passwd"}) {
                HttpResponse<String> refused = put(tern, "c", "h", "{\"topic\": \"t\", \"url\": \"" + url + "\"}");
                assertThat(refused.statusCode()).as(url + ": " + refused.body()).isEqualTo(400);
            }
            assertThat(put(tern, "c", "h", "{\"topic\": \"\", \"url\": \"" + ok + "\"}").statusCode()).isEqualTo(400);
            assertThat(put(tern, "c", "h", "{\"url\": \"" + ok + "\"}").statusCode()).isEqualTo(400);
            assertThat(put(tern, "c", "h", "{\"topic\": \"t\", \"url\": \"" + ok + "\", \"extra\": 1}").statusCode()).isEqualTo(400);
            assertThat(put(tern, "c", "h", "[]").statusCode()).isEqualTo(400);
            for (String retry : new String[]{"5", "{}", "{\"initial_backoff_ms\": 100}",
                    "{\"initial_backoff_ms\": 5, \"max_backoff_ms\": 100}",
                    "{\"initial_backoff_ms\": 200, \"max_backoff_ms\": 100}",
                    "{\"initial_backoff_ms\": 100, \"max_backoff_ms\": 86400001}",
                    "{\"initial_backoff_ms\": 1.5, \"max_backoff_ms\": 100}",
                    "{\"initial_backoff_ms\": \"1s\", \"max_backoff_ms\": 100}",
                    "{\"initial_backoff_ms\": 100, \"max_backoff_ms\": 100, \"attempts\": 3}"}) {
                HttpResponse<String> refused = put(tern, "c", "h", "{\"topic\": \"t\", \"url\": \"" + ok
                        + "\", \"retry\": " + retry + "}");
                assertThat(refused.statusCode()).as(retry + ": " + refused.body()).isEqualTo(400);
            }
            assertThat(listed(tern, "c")).isEmpty();
            assertThat(tern.send("GET", "/caches/c/webhooks/h", null, null).statusCode()).isEqualTo(404);
            assertThat(tern.send("DELETE", "/caches/c/webhooks/h", null, null).statusCode()).isEqualTo(404);
            assertThat(tern.send("POST", "/caches/c/webhooks/h/secret/rotate", null, null).statusCode()).isEqualTo(404);
            assertThat(tern.send("GET", "/caches/missing/webhooks", null, null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aWebhookHasItsOwnRetryScheduleUntilAPutWithoutOneGivesItTheServersAgain() {
        try (RunningTern tern = RunningTern.start("--webhook-retry-initial-backoff", "2s",
                "--webhook-retry-max-backoff", "90s")) {
            tern.createCache("c");
            JsonNode own = TernHttp.json(put(tern, "c", "h", """
                    {"topic": "t", "url": "http://127.0.0.1:9/", "retry": {"initial_backoff_ms": 250, "max_backoff_ms": 4000}}
                    """).body()).get("retry");
            assertThat(own.get("initial_backoff_ms").asLong()).isEqualTo(250);
            assertThat(own.get("max_backoff_ms").asLong()).isEqualTo(4000);
            assertThat(own.get("server_default").asBoolean()).isFalse();
            tern.restart();
            assertThat(listed(tern, "c").get(0).get("retry").get("max_backoff_ms").asLong()).isEqualTo(4000);
            JsonNode server = TernHttp.json(put(tern, "c", "h", "{\"topic\": \"t\", \"url\": \"http://127.0.0.1:9/\"}")
                    .body()).get("retry");
            assertThat(server.get("initial_backoff_ms").asLong()).isEqualTo(2000);
            assertThat(server.get("max_backoff_ms").asLong()).isEqualTo(90000);
            assertThat(server.get("server_default").asBoolean()).isTrue();
        }
    }

    @Test
    void networksCanBeDeniedOrAllowedByFlag() {
        try (RunningTern denying = RunningTern.start("--webhook-denied-networks", "127.0.0.0/8")) {
            denying.createCache("c");
            assertThat(put(denying, "c", "h", "{\"topic\": \"t\", \"url\": \"http://127.0.0.1:9/\"}").statusCode()).isEqualTo(400);
        }
        try (RunningTern allowing = RunningTern.start("--webhook-allowed-networks", "169.254.169.254/32")) {
            allowing.createCache("c");
            assertThat(put(allowing, "c", "h", "{\"topic\": \"t\", \"url\": \"http://169.254.169.254/\"}").statusCode()).isEqualTo(200);
            assertThat(put(allowing, "c", "h2", "{\"topic\": \"t\", \"url\": \"http://127.0.0.1:9/\"}").statusCode()).isEqualTo(400);
        }
    }

    @Test
    void aCacheHoldsAtMostTheConfiguredNumberOfWebhooksAndOnlyTheSuperUserManagesThem() {
        try (RunningTern tern = RunningTern.start("--webhook-max-per-cache", "2")) {
            tern.createCache("c");
            String body = "{\"topic\": \"t\", \"url\": \"http://127.0.0.1:9/\"}";
            assertThat(put(tern, "c", "a", body).statusCode()).isEqualTo(200);
            assertThat(put(tern, "c", "b", body).statusCode()).isEqualTo(200);
            assertThat(put(tern, "c", "c", body).statusCode()).isEqualTo(429);
            assertThat(put(tern, "c", "b", body).statusCode()).as("replacing is not adding").isEqualTo(200);
            String token = tern.mintToken("""
                    {"expires_in_seconds": 600, "permissions": [{"role": "publishsubscribe", "cache": "c", "topic": "*"}]}""");
            TernHttp http = new TernHttp(tern);
            assertThat(http.rawStatus("GET", "/caches/c/webhooks", token, "")).isEqualTo(403);
            assertThat(http.rawStatus("GET", "/caches/c/webhooks/a/secret", null, "")).isEqualTo(401);
        }
    }
}
