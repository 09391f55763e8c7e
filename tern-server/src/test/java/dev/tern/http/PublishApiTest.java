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
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code POST /topics/{cacheName}/{topicName}}: every status, both token placements, text versus binary. */
class PublishApiTest {
    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static RunningTern tern;
    private static TernHttp http;
    private static String key;

    @BeforeAll
    static void start() {
        tern = RunningTern.start("--long-poll-timeout", "2s");
        http = new TernHttp(tern);
        key = tern.superUserKey();
        tern.createCache("pub");
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    private static String freshTopic() {
        return "t" + TOPICS.incrementAndGet();
    }

    /** The single item on a topic where exactly one message was published. */
    private static JsonNode onlyItem(String topic) {
        List<JsonNode> items = TernHttp.items(http.longPoll("pub", topic, key, 1, 0));
        assertThat(items).hasSize(1);
        return items.get(0).get("item");
    }

    @Test
    void textPlainPublishesATextValueAndAnswers204WithNoBody() {
        String topic = freshTopic();
        HttpResponse<String> response = http.publishText("pub", topic, key, "hello wörld");

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
        assertThat(onlyItem(topic).get("value").get("text").asText()).isEqualTo("hello wörld");
    }

    @Test
    void textSurvivesTheJsonRoundTripExactly() {
        String topic = freshTopic();
        String text = "line1\nline2\t\"quoted\" \\ back \u0000 nul \u00e9 \u4e2d \ud83d\ude00 </script>";
        assertThat(http.publishText("pub", topic, key, text).statusCode()).isEqualTo(204);
        assertThat(onlyItem(topic).get("value").get("text").asText()).isEqualTo(text);
    }

    @Test
    void anyTextContentTypeIsText() {
        String topic = freshTopic();
        assertThat(http.publish("pub", topic, key, "text/markdown", "# hi".getBytes(StandardCharsets.UTF_8))
                .statusCode()).isEqualTo(204);
        assertThat(onlyItem(topic).get("value").get("text").asText()).isEqualTo("# hi");
    }

    @Test
    void octetStreamAndNoContentTypePublishBinary() {
        byte[] bytes = {0, 1, 2, (byte) 0xff, (byte) 0xfe};
        String withType = freshTopic();
        String withoutType = freshTopic();
        assertThat(http.publish("pub", withType, key, "application/octet-stream", bytes).statusCode()).isEqualTo(204);
        assertThat(http.publish("pub", withoutType, key, null, bytes).statusCode()).isEqualTo(204);

        for (String topic : List.of(withType, withoutType)) {
            JsonNode value = onlyItem(topic).get("value");
            assertThat(value.has("text")).isFalse();
            assertThat(Base64.getDecoder().decode(value.get("binary").asText())).isEqualTo(bytes);
        }
    }

    @Test
    void emptyBodyPublishesAnEmptyMessage() {
        String topic = freshTopic();
        assertThat(http.publishText("pub", topic, key, "").statusCode()).isEqualTo(204);
        assertThat(onlyItem(topic).get("value").get("text").asText()).isEmpty();
    }

    /** The seed's first curl line: {@code curl -X POST -d 'hello world!' ".../topics/my-cache/example?token=<token>"}. */
    @Test
    void seedCurlLineWithQueryTokenPublishesFormBodyAsBinary() {
        String topic = freshTopic();
        HttpResponse<String> response = http.send(http.request(
                        TernHttp.topicPath("pub", topic) + "?token=" + TernHttp.urlEncode(key))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("hello world!"))
                .build());

        assertThat(response.statusCode()).isEqualTo(204);
        JsonNode value = onlyItem(topic).get("value");
        assertThat(new String(Base64.getDecoder().decode(value.get("binary").asText()), StandardCharsets.UTF_8))
                .isEqualTo("hello world!");
    }

    /** The seed's second curl line: {@code curl -X POST -H "Authorization: <token>" -d 'hello world!' ...}. */
    @Test
    void seedCurlLineWithAuthorizationHeaderPublishes() {
        String topic = freshTopic();
        HttpResponse<String> response = http.publish("pub", topic, key, "application/x-www-form-urlencoded",
                "hello world!".getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(Base64.getDecoder().decode(onlyItem(topic).get("value").get("binary").asText()))
                .isEqualTo("hello world!".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bearerPrefixIsAccepted() {
        HttpResponse<String> response = http.send(http.request(TernHttp.topicPath("pub", freshTopic()))
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build());
        assertThat(response.statusCode()).isEqualTo(204);
    }

    @Test
    void innerApiKeyIsAcceptedInEitherPlacement() {
        String inner = TernHttp.innerKey(key);
        assertThat(inner).isNotEqualTo(key).contains(".");

        assertThat(http.publishText("pub", freshTopic(), inner, "via header").statusCode()).isEqualTo(204);
        HttpResponse<String> viaQuery = http.send(http.request(
                        TernHttp.topicPath("pub", freshTopic()) + "?token=" + TernHttp.urlEncode(inner))
                .POST(HttpRequest.BodyPublishers.ofString("via query"))
                .build());
        assertThat(viaQuery.statusCode()).isEqualTo(204);
    }

    @Test
    void tokenInBothPlacementsIs400() {
        HttpResponse<String> response = http.send(http.request(
                        TernHttp.topicPath("pub", freshTopic()) + "?token=" + TernHttp.urlEncode(key))
                .header("Authorization", key)
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).containsIgnoringCase("either");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/topics//topic",          // empty cache name
            "/topics/pub/",            // empty topic name
            "/topics/pub",             // no topic segment
            "/topics/pub/a%2Fb",       // percent-encoded '/'
            "/topics/pub/a%20b",       // space
            "/topics/pub/caf%C3%A9",   // non-ASCII
            "/topics/pub/a%3Fb",       // '?'
            "/topics/pub/a/b",         // three segments
            "/topics/pub%2Fx/topic",   // '/' in the cache name
    })
    void malformedNamesAre400(String path) {
        HttpResponse<String> response = http.send(http.request(path)
                .header("Authorization", key)
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/topics/p%ZZ/topic", "/topics/pub/a%", "/topics/pub/%C3%28", "/topics/pub/a%00b"})
    void malformedPercentEncodingIs400(String rawPath) {
        assertThat(http.rawStatus("POST", rawPath, key, "x")).isEqualTo(400);
        assertThat(http.rawStatus("GET", rawPath, key, "")).isEqualTo(400);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/topics/pub/t?token=abc%ZZ", "/topics/pub/t?sequence_number=%ZZ", "/topics/pub/t?x=%",
            "/caches?token=%E0%A4%A", "/tokens?token=%"})
    void malformedPercentEncodingInTheQueryIs400NotA500(String rawPathAndQuery) {
        assertThat(http.rawStatus("POST", rawPathAndQuery, null, "x")).isEqualTo(400);
        assertThat(http.rawStatus("GET", rawPathAndQuery, null, "")).isEqualTo(400);
    }

    /** curl sends {@code ?token=<token>} exactly as pasted, without URL-encoding it. */
    @Test
    void rawUnencodedTokenInTheQueryIsAccepted() {
        assertThat(http.rawStatus("POST", TernHttp.topicPath("pub", freshTopic()) + "?token=" + key, null, "x"))
                .isEqualTo(204);
    }

    @Test
    void namesLongerThan255CharactersAre400() {
        String longName = "a".repeat(256);
        assertThat(http.publishText("pub", longName, key, "x").statusCode()).isEqualTo(400);
        assertThat(http.publishText(longName, "topic", key, "x").statusCode()).isEqualTo(400);
        assertThat(http.publishText("pub", "a".repeat(255), key, "x").statusCode()).isEqualTo(204);
    }

    @Test
    void namespacedTopicNamesWithUrlSafePunctuationAreAccepted() {
        assertThat(http.publishText("pub", "chat:lobby-1_x.y~z", key, "x").statusCode()).isEqualTo(204);
    }

    @Test
    void invalidUtf8WithTextPlainIs400() {
        byte[] invalid = {'h', 'i', (byte) 0xc3, (byte) 0x28};
        HttpResponse<String> response = http.publish("pub", freshTopic(), key, "text/plain", invalid);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("UTF-8");
        // The same bytes are a fine binary message.
        assertThat(http.publish("pub", freshTopic(), key, "application/octet-stream", invalid).statusCode())
                .isEqualTo(204);
    }

    @Test
    void missingTokenIs401() {
        HttpResponse<String> response = http.publish("pub", freshTopic(), null, "text/plain", "x".getBytes());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).containsIgnoringCase("token");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"garbage", "a.b.c", "Bearer", "eyJhcGlfa2V5IjoiYWJjIn0=", "eyJhbGciOiJIUzI1NiJ9.e30.AAAA"})
    void garbageTokensAre401(String token) {
        HttpResponse<String> response = http.publish("pub", freshTopic(), token, "text/plain", "x".getBytes());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isNotBlank();
    }

    @Test
    void tamperedTokenIs401() {
        String inner = TernHttp.innerKey(key);
        int lastDot = inner.lastIndexOf('.');
        char flipped = inner.charAt(lastDot + 1) == 'A' ? 'B' : 'A';
        String tampered = inner.substring(0, lastDot + 1) + flipped + inner.substring(lastDot + 2);
        assertThat(http.publishText("pub", freshTopic(), tampered, "x").statusCode()).isEqualTo(401);
    }

    @Test
    void keyOfAnotherServerIs401() {
        try (RunningTern other = RunningTern.start()) {
            assertThat(http.publishText("pub", freshTopic(), other.superUserKey(), "x").statusCode()).isEqualTo(401);
        }
    }

    @Test
    void expiredTokenIs401() {
        String token = tern.mintToken("""
                {"expires_in_seconds": 1, "permissions": [{"role": "publishsubscribe", "cache": "pub", "topic": "*"}]}""");
        String topic = freshTopic();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> http.publishText("pub", topic, token, "x").statusCode() == 401);
        HttpResponse<String> response = http.publishText("pub", topic, token, "x");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("expired");
        assertThat(http.longPoll("pub", topic, token, 1, 0).statusCode()).isEqualTo(401);
    }

    @Test
    void missingCacheIs404CacheNotFound() {
        HttpResponse<String> response = http.publishText("no-such-cache", "topic", key, "x");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("Cache Not Found");
    }

    @Test
    void unknownEndpointIs404AndWrongMethodIsNot500() {
        HttpResponse<String> unknown = http.send(http.request("/nothing-here").header("Authorization", key).GET().build());
        assertThat(unknown.statusCode()).isEqualTo(404);
        HttpResponse<String> wrongMethod = http.send(http.request("/topics/pub/x").header("Authorization", key)
                .DELETE().build());
        assertThat(wrongMethod.statusCode()).isBetween(400, 499);
    }

    @Test
    void bodyBeyondTheServerWideLimitIs413NotA500() {
        byte[] huge = new byte[2 * 1024 * 1024];
        HttpResponse<String> response = http.publish("pub", freshTopic(), key, "application/octet-stream", huge);
        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void chunkedBodyIsReadWholeAndRefusedPastTheServerWideLimit() {
        // No Content-Length: the body arrives in chunks and the limit applies as it grows.
        String topic = freshTopic();
        byte[] pieces = "0123456789".repeat(400).getBytes(StandardCharsets.UTF_8); // 4,000 bytes, under 4 KiB
        HttpResponse<String> accepted = http.send(http.request(TernHttp.topicPath("pub", topic))
                .header("Authorization", key).header("Content-Type", "text/plain")
                .POST(chunked(pieces, 1000)).build());
        assertThat(accepted.statusCode()).isEqualTo(204);
        assertThat(onlyItem(topic).get("value").get("text").asText()).isEqualTo(new String(pieces, StandardCharsets.UTF_8));

        HttpResponse<String> refused = http.send(http.request(TernHttp.topicPath("pub", freshTopic()))
                .header("Authorization", key).header("Content-Type", "application/octet-stream")
                .POST(chunked(new byte[2 * 1024 * 1024], 64 * 1024)).build());
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.body()).contains("server's limit");
    }

    /** A body without Content-Length, sent in pieces of the given size. */
    private static HttpRequest.BodyPublisher chunked(byte[] body, int pieceSize) {
        List<byte[]> pieces = new java.util.ArrayList<>();
        for (int offset = 0; offset < body.length; offset += pieceSize) {
            pieces.add(java.util.Arrays.copyOfRange(body, offset, Math.min(body.length, offset + pieceSize)));
        }
        return HttpRequest.BodyPublishers.ofByteArrays(pieces);
    }

    @Test
    void sequenceNumbersOfATopicAreContiguousFromOne() {
        String topic = freshTopic();
        for (int i = 0; i < 5; i++) {
            assertThat(http.publishText("pub", topic, key, "m" + i).statusCode()).isEqualTo(204);
        }
        List<JsonNode> items = TernHttp.items(http.longPoll("pub", topic, key, 1, 0));
        assertThat(items).extracting(i -> i.get("item").get("topic_sequence_number").asLong())
                .containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(items).extracting(i -> i.get("item").get("value").get("text").asText())
                .containsExactly("m0", "m1", "m2", "m3", "m4");
    }
}
