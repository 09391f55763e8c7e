package dev.tern.http.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.testing.RunningRedis;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An open subscription ends when its credential expires or is revoked, on every HTTP transport (gRPC: the SDK
 * tests): SSE with an {@code end} event naming the reason, WebSocket with close code 4401, a waiting long poll with
 * 401; multi-topic streams alike, also while they follow no topic. Each case runs on one node and across two nodes
 * sharing a real Redis (revoked on one, streaming on the other).
 */
class CredentialEndsStreamsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static RunningTern single;
    private static RunningRedis redis;
    private static RunningTern a;
    private static RunningTern b;

    /** Where the stream is open, and where the credential is revoked. */
    record Nodes(String name, RunningTern streaming, RunningTern control) {
    }

    @BeforeAll
    static void start() {
        single = RunningTern.start("--long-poll-timeout", "30s");
        redis = RunningRedis.start();
        a = RunningTern.start("--engine", "redis", "--redis-url", redis.url(), "--long-poll-timeout", "30s");
        b = RunningTern.start("--engine", "redis", "--redis-url", redis.url(), "--long-poll-timeout", "30s");
        single.createCache("cred");
        a.createCache("cred");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {single, a, b, redis}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // keep closing the others
            }
        }
    }

    private static List<Nodes> setups() {
        return List.of(new Nodes("one node", single, single), new Nodes("two nodes on Redis", b, a));
    }

    /** An API key created on {@code node}: its id and the key. */
    private static String[] createKey(RunningTern node) throws Exception {
        HttpResponse<String> created = node.send("POST", "/api-keys", "application/json", "{\"permissions\": \"super_user\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode body = JSON.readTree(created.body());
        return new String[] {body.get("id").asText(), body.get("api_key").asText()};
    }

    private static void revokeKey(RunningTern node, String id) {
        assertThat(node.send("DELETE", "/api-keys/" + id, null, null).statusCode()).isEqualTo(204);
    }

    private static String shortToken(RunningTern node, int seconds) {
        return node.mintToken("{\"expires_in_seconds\": " + seconds + ", \"permissions\": \"super_user\"}");
    }

    @Test
    void serverSentEventsEndWithTheReason() throws Exception {
        for (Nodes nodes : setups()) {
            String[] key = createKey(nodes.control());
            try (SseTestClient stream = SseTestClient.subscribe(nodes.streaming(), "/topics/cred/sse?token=" + TernHttp.urlEncode(key[1]))) {
                nodes.control().send("POST", "/topics/cred/sse", "text/plain", "before");
                assertThat(stream.next().data()).as(nodes.name()).isEqualTo("before");
                revokeKey(nodes.control(), key[0]);
                SseParser.Event end = stream.next();
                assertThat(end.type()).as(nodes.name()).isEqualTo("end");
                JsonNode body = JSON.readTree(end.data());
                assertThat(body.get("reason").asText()).isEqualTo("credential_revoked");
                assertThat(body.get("status").asInt()).isEqualTo(401);
                assertThat(stream.awaitEnd(Duration.ofSeconds(5))).isTrue();
            }
            String token = shortToken(nodes.control(), 2);
            try (SseTestClient stream = SseTestClient.subscribe(nodes.streaming(), "/topics/cred/sse-quiet?token=" + TernHttp.urlEncode(token))) {
                SseParser.Event end = stream.next();
                assertThat(end.type()).as(nodes.name()).isEqualTo("end");
                assertThat(JSON.readTree(end.data()).get("reason").asText()).isEqualTo("credential_expired");
                assertThat(stream.awaitEnd(Duration.ofSeconds(5))).isTrue();
            }
        }
    }

    @Test
    void webSocketsCloseWith4401() throws Exception {
        for (Nodes nodes : setups()) {
            String[] key = createKey(nodes.control());
            try (WebSocketTestClient socket = WebSocketTestClient.connect(nodes.streaming(), "/topics/cred/ws?token=" + TernHttp.urlEncode(key[1]))) {
                assertThat(socket.next().has("heartbeat")).isTrue();
                revokeKey(nodes.control(), key[0]);
                assertThat(socket.awaitClose().code()).as(nodes.name()).isEqualTo(4401);
            }
            String token = shortToken(nodes.control(), 2);
            try (WebSocketTestClient socket = WebSocketTestClient.connect(nodes.streaming(), "/topics/cred/ws?token=" + TernHttp.urlEncode(token))) {
                assertThat(socket.next().has("heartbeat")).isTrue();
                WebSocketTestClient.Close close = socket.awaitClose();
                assertThat(close.code()).as(nodes.name()).isEqualTo(4401);
                assertThat(close.reason()).contains("expired");
            }
        }
    }

    @Test
    void multiTopicEventStreamsEndWithTheReasonAlsoWhenTheyFollowPrefixesAlone() throws Exception {
        // A prefix no topic matches leaves the stream without a topic subscription: the stream itself is watched.
        for (Nodes nodes : setups()) {
            for (String selection : List.of("prefix=nothing-here-", "topic=multi")) {
                String[] key = createKey(nodes.control());
                try (SseTestClient stream = SseTestClient.subscribe(nodes.streaming(), "/caches/cred/events?" + selection
                        + "&token=" + TernHttp.urlEncode(key[1]))) {
                    revokeKey(nodes.control(), key[0]);
                    assertMultiTopicEnd(stream, "credential_revoked", nodes.name() + ", " + selection);
                }
                String token = shortToken(nodes.control(), 2);
                try (SseTestClient stream = SseTestClient.subscribe(nodes.streaming(), "/caches/cred/events?" + selection
                        + "&token=" + TernHttp.urlEncode(token))) {
                    assertMultiTopicEnd(stream, "credential_expired", nodes.name() + ", " + selection);
                }
            }
        }
    }

    private static void assertMultiTopicEnd(SseTestClient stream, String reason, String description) throws Exception {
        JsonNode end = JSON.readTree(stream.next().data()).get("end");
        assertThat(end).as(description).isNotNull();
        assertThat(end.get("reason").asText()).as(description).isEqualTo(reason);
        assertThat(end.get("status").asInt()).as(description).isEqualTo(401);
        assertThat(stream.awaitEnd(Duration.ofSeconds(5))).as(description).isTrue();
    }

    @Test
    void multiTopicWebSocketsCloseWith4401AlsoWhenTheyFollowNothing() throws Exception {
        for (Nodes nodes : setups()) {
            for (String request : Arrays.asList(null, "{\"subscribe\":{\"topic\":\"multi\"}}",
                    "{\"subscribe\":{\"prefix\":\"nothing-here-\"}}")) {
                String description = nodes.name() + ", " + (request == null ? "following nothing" : request);
                String[] key = createKey(nodes.control());
                try (WebSocketTestClient socket = multiTopicSocket(nodes.streaming(), key[1], request)) {
                    revokeKey(nodes.control(), key[0]);
                    assertThat(socket.awaitClose().code()).as(description).isEqualTo(4401);
                }
                String token = shortToken(nodes.control(), 2);
                try (WebSocketTestClient socket = multiTopicSocket(nodes.streaming(), token, request)) {
                    WebSocketTestClient.Close close = socket.awaitClose();
                    assertThat(close.code()).as(description).isEqualTo(4401);
                    assertThat(close.reason()).as(description).contains("expired");
                }
            }
        }
    }

    /** A socket on /caches/cred/socket, after its first frame and the answer to {@code request} (none when null). */
    private static WebSocketTestClient multiTopicSocket(RunningTern node, String credential, String request) {
        WebSocketTestClient socket = WebSocketTestClient.connect(node, "/caches/cred/socket?token=" + TernHttp.urlEncode(credential));
        assertThat(socket.next().has("heartbeat")).isTrue();
        if (request != null) {
            socket.sendText(request);
            assertThat(socket.nextIgnoringHeartbeats().has("subscribed")).as(request).isTrue();
        }
        return socket;
    }

    @Test
    void aRevokedTokenIdCannotPublishAnyMore() throws Exception {
        String token = single.mintToken("{\"expires_in_seconds\": 600, \"token_id\": \"pub-only\", \"permissions\": "
                + "[{\"role\": \"publishonly\", \"cache\": \"cred\", \"topic\": \"*\"}]}");
        // A publish-only token cannot subscribe, so its socket is refused; publish over HTTP instead and check the
        // refusal, then over a super-user socket that the revocation does not touch.
        assertThat(new TernHttp(single).publishText("cred", "p", token, "x").statusCode()).isEqualTo(204);
        assertThat(single.send("POST", "/tokens/revoke", "application/json", "{\"token_id\": \"pub-only\"}").statusCode()).isEqualTo(204);
        assertThat(new TernHttp(single).publishText("cred", "p", token, "x").statusCode()).isEqualTo(401);
    }

    @Test
    void aWaitingLongPollAnswers401() throws Exception {
        for (Nodes nodes : setups()) {
            String[] key = createKey(nodes.control());
            TernHttp http = new TernHttp(nodes.streaming());
            CompletableFuture<HttpResponse<String>> poll = http.longPollAsync("cred", "poll", key[1], 0, 0);
            new TernHttp(nodes.streaming()).awaitSubscribers(1);
            revokeKey(nodes.control(), key[0]);
            HttpResponse<String> answer = poll.get(10, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(nodes.name()).isEqualTo(401);
            assertThat(answer.body()).contains("revoked");

            String token = shortToken(nodes.control(), 2);
            HttpResponse<String> expired = http.longPollAsync("cred", "poll", token, 0, 0).get(10, TimeUnit.SECONDS);
            assertThat(expired.statusCode()).as(nodes.name()).isEqualTo(401);
            assertThat(expired.body()).contains("expired");
        }
    }
}
