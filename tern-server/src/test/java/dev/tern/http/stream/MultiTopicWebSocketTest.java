package dev.tern.http.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /caches/{cache}/socket}: subscribe and unsubscribe requests on one WebSocket, items naming their topic. */
class MultiTopicWebSocketTest {
    private static RunningTern tern;
    private static TernHttp http;
    private static String token;

    @BeforeAll
    static void start() {
        tern = RunningTern.start();
        http = new TernHttp(tern);
        token = "token=" + TernHttp.urlEncode(tern.superUserKey());
        tern.createCache("w");
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    private static void publish(String topic, String text) {
        assertThat(http.publishText("w", topic, tern.superUserKey(), text).statusCode()).isEqualTo(204);
    }

    private static String text(JsonNode frame) {
        return frame.get("topic").asText() + "/" + frame.get("item").get("value").get("text").asText();
    }

    @Test
    void subscribeAndUnsubscribeAreEachAcknowledgedAndItemsCarryTheirTopic() {
        try (WebSocketTestClient socket = WebSocketTestClient.connect(tern, "/caches/w/socket?" + token)) {
            assertThat(socket.next().has("heartbeat")).isTrue();
            socket.sendText("{\"subscribe\":{\"topic\":\"a\"},\"request_id\":1}");
            JsonNode a = socket.nextIgnoringHeartbeats().get("subscribed");
            assertThat(a.get("topic").asText()).isEqualTo("a");
            assertThat(a.get("request_id").asInt()).isEqualTo(1);
            assertThat(a.get("changed").asBoolean()).isTrue();
            socket.sendText("{\"subscribe\":{\"prefix\":\"room-\"},\"request_id\":\"p\"}");
            assertThat(socket.nextIgnoringHeartbeats().get("subscribed").get("prefix").asText()).isEqualTo("room-");
            socket.sendText("{\"subscribe\":{\"topic\":\"a\"},\"request_id\":2}");
            assertThat(socket.nextIgnoringHeartbeats().get("subscribed").get("changed").asBoolean()).isFalse();

            publish("a", "a1");
            publish("room-1", "r1");
            publish("b", "not followed");
            assertThat(text(socket.nextIgnoringHeartbeats())).isEqualTo("a/a1");
            assertThat(text(socket.nextIgnoringHeartbeats())).isEqualTo("room-1/r1");

            socket.sendText("{\"unsubscribe\":{\"topic\":\"a\"},\"request_id\":3}");
            assertThat(socket.nextIgnoringHeartbeats().get("unsubscribed").get("changed").asBoolean()).isTrue();
            publish("a", "a2");
            publish("room-1", "r2");
            assertThat(text(socket.nextIgnoringHeartbeats())).isEqualTo("room-1/r2");
        }
    }

    @Test
    void aSubscribeMayResumeFromAPosition() {
        publish("resume", "m1");
        publish("resume", "m2");
        publish("resume", "m3");
        try (WebSocketTestClient socket = WebSocketTestClient.connect(tern, "/caches/w/socket?" + token)) {
            socket.next();
            socket.sendText("{\"subscribe\":{\"topic\":\"resume\",\"sequence_number\":2}}");
            assertThat(socket.nextIgnoringHeartbeats().has("subscribed")).isTrue();
            assertThat(text(socket.nextIgnoringHeartbeats())).isEqualTo("resume/m2");
            assertThat(text(socket.nextIgnoringHeartbeats())).isEqualTo("resume/m3");
        }
    }

    @Test
    void aSocketClosesWith4404WhenItsCacheIsDeletedAlsoWhileItFollowsNothing() {
        for (String request : new String[] {null, "{\"subscribe\":{\"topic\":\"a\"}}", "{\"subscribe\":{\"prefix\":\"room-\"}}"}) {
            tern.createCache("w-gone");
            try (WebSocketTestClient socket = WebSocketTestClient.connect(tern, "/caches/w-gone/socket?" + token)) {
                assertThat(socket.next().has("heartbeat")).isTrue();
                if (request != null) {
                    socket.sendText(request);
                    assertThat(socket.nextIgnoringHeartbeats().has("subscribed")).isTrue();
                }
                assertThat(tern.send("DELETE", "/caches/w-gone", null, null).statusCode()).isEqualTo(204);
                assertThat(socket.nextIgnoringHeartbeats().get("error").get("status").asInt()).as(request).isEqualTo(404);
                assertThat(socket.awaitClose().code()).as(request).isEqualTo(4404);
            }
        }
    }

    @Test
    void aSocketOfAMissingCacheOrWithoutSubscribePermissionThereIsRefused() {
        try (WebSocketTestClient socket = WebSocketTestClient.connect(tern, "/caches/no-such-cache/socket?" + token)) {
            assertThat(socket.next().get("error").get("status").asInt()).isEqualTo(404);
            assertThat(socket.awaitClose().code()).isEqualTo(4404);
        }
        String publishOnly = "token=" + TernHttp.urlEncode(tern.mintToken("{\"expires_in_seconds\":600,\"permissions\":"
                + "[{\"role\":\"publishonly\",\"cache\":\"w\",\"topic\":\"*\"}]}"));
        try (WebSocketTestClient socket = WebSocketTestClient.connect(tern, "/caches/w/socket?" + publishOnly)) {
            assertThat(socket.next().get("error").get("status").asInt()).isEqualTo(403);
            assertThat(socket.awaitClose().code()).isEqualTo(4403);
        }
    }

    @Test
    void badRequestsAreAnsweredWithErrorsAndTheSocketStaysOpen() {
        String rooms = "token=" + TernHttp.urlEncode(tern.mintToken("{\"expires_in_seconds\":600,\"permissions\":"
                + "[{\"role\":\"subscribeonly\",\"cache\":\"w\",\"topic\":{\"prefix\":\"chat-\"}}]}"));
        try (WebSocketTestClient socket = WebSocketTestClient.connect(tern, "/caches/w/socket?" + rooms)) {
            socket.next();
            String[][] cases = {
                    {"not json", "400"},
                    {"{\"subscribe\":{}}", "400"},
                    {"{\"subscribe\":{\"topic\":\"a\",\"prefix\":\"b\"}}", "400"},
                    {"{\"subscribe\":{\"prefix\":\"\"}}", "400"},
                    {"{\"subscribe\":{\"topic\":\"a b\"}}", "400"},
                    {"{\"subscribe\":{\"topic\":\"chat-1\",\"colour\":1}}", "400"},
                    {"{\"subscribe\":{\"topic\":\"chat-1\"},\"extra\":1}", "400"},
                    {"{\"subscribe\":{\"prefix\":\"chat-\",\"sequence_number\":3}}", "400"},
                    {"{\"subscribe\":{\"topic\":\"secret\"}}", "403"},
                    {"{\"subscribe\":{\"prefix\":\"cha\"}}", "403"},
            };
            for (String[] request : cases) {
                socket.sendText(request[0]);
                JsonNode error = socket.nextIgnoringHeartbeats().get("error");
                assertThat(error).as(request[0]).isNotNull();
                assertThat(error.get("status").asText()).as(request[0]).isEqualTo(request[1]);
            }
            socket.sendText("{\"subscribe\":{\"prefix\":\"chat-\"}}");
            assertThat(socket.nextIgnoringHeartbeats().has("subscribed")).isTrue();
        }
    }
}
