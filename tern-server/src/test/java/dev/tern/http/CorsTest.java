package dev.tern.http;

import dev.tern.http.stream.RawWebSocket;
import dev.tern.testing.RunningTern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cross-origin requests from browsers: preflights and actual requests on every public endpoint. */
class CorsTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private RunningTern tern;

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    private HttpResponse<String> preflight(String path, String origin, String method, String headers) throws Exception {
        return http.send(HttpRequest.newBuilder(tern.uri(path))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", method)
                .header("Access-Control-Request-Headers", headers)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String origin) throws Exception {
        return http.send(HttpRequest.newBuilder(tern.uri(path)).header("Origin", origin)
                .header("Authorization", tern.superUserKey())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anyOriginByDefaultWithoutCredentials() throws Exception {
        tern = RunningTern.start();
        tern.createCache("c");
        for (String[] endpoint : new String[][]{
                {"/topics/c/t", "POST"}, {"/topics/c/t", "GET"}, {"/caches/c", "PUT"}, {"/caches/c", "DELETE"},
                {"/caches", "GET"}, {"/tokens", "POST"}}) {
            HttpResponse<String> response = preflight(endpoint[0], "https://app.example.com", endpoint[1],
                    "authorization,content-type");
            assertThat(response.statusCode()).as(endpoint[1] + " " + endpoint[0]).isIn(200, 204);
            assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
            assertThat(response.headers().firstValue("Access-Control-Allow-Methods").orElse(""))
                    .contains(endpoint[1]);
            assertThat(response.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
                    .contains("authorization").contains("content-type");
            assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        }
        HttpResponse<String> list = get("/caches", "https://app.example.com");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        HttpResponse<String> health = get("/livez", "https://app.example.com");
        assertThat(health.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        // An error still carries the header, so a browser script can read the status and message.
        HttpResponse<String> missing = get("/caches/none-such", "https://app.example.com");
        assertThat(missing.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    }

    @Test
    void configuredOriginsOnly() throws Exception {
        tern = RunningTern.start("--cors-allowed-origins", "https://app.example.com, http://localhost:3000");
        HttpResponse<String> allowed = preflight("/topics/c/t", "http://localhost:3000", "POST", "content-type");
        assertThat(allowed.statusCode()).isIn(200, 204);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:3000");
        assertThat(allowed.headers().allValues("Vary").toString()).containsIgnoringCase("origin");

        HttpResponse<String> refused = preflight("/topics/c/t", "https://evil.example", "POST", "content-type");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        HttpResponse<String> refusedRequest = get("/livez", "https://evil.example");
        assertThat(refusedRequest.statusCode()).isEqualTo(403);
        assertThat(refusedRequest.body()).contains("origin");

        // The console served by Tern itself sends its own origin, which is always allowed.
        HttpResponse<String> sameOrigin = get("/caches", "http://127.0.0.1:" + tern.port());
        assertThat(sameOrigin.statusCode()).isEqualTo(200);

        // A WebSocket handshake from another origin is refused too (no cross-site use of a topic socket).
        assertThatThrownBy(() -> RawWebSocket.connect(tern, "/topics/c/t?token=" + tern.superUserKey(),
                "Origin: https://evil.example\r\n")).hasMessageContaining("403");
        RawWebSocket.connect(tern, "/topics/c/t?token=" + tern.superUserKey(), "Origin: https://app.example.com\r\n").close();

        // Without an Origin header (curl, SDKs, servers) nothing changes, but shared caches learn the answer varies.
        HttpResponse<String> noOrigin = tern.send("GET", "/caches", null, null);
        assertThat(noOrigin.statusCode()).isEqualTo(200);
        assertThat(noOrigin.headers().allValues("Vary").toString()).containsIgnoringCase("origin");
    }

    @Test
    void invalidOriginSettingsAreRejectedAtStart() {
        for (String bad : new String[]{"*,https://a.example", "not an origin", "https://a.example/path"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunningTern.config("--cors-allowed-origins", bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--cors-allowed-origins");
        }
    }
}
