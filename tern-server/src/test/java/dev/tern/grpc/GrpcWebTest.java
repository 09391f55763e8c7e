package dev.tern.grpc;

import dev.tern.testing.CapturedLog;
import dev.tern.testing.RunningTern;
import grpc.cache_client.pubsub._PublishRequest;
import grpc.cache_client.pubsub._SubscriptionItem;
import grpc.cache_client.pubsub._SubscriptionRequest;
import grpc.cache_client.pubsub._TopicValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * gRPC-Web on the HTTP port, as a browser (and {@code @gomomento/sdk-web}) speaks it: HTTP/1.1, a CORS preflight,
 * binary and base64 text framing, status in a trailer frame or, for an immediate error, in the headers.
 */
class GrpcWebTest {
    private static final String ORIGIN = "http://app.example";
    private static RunningTern tern;
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        tern = RunningTern.start();
        tern.createCache("web");
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    @Test
    void preflightAllowsTheBrowserToCall() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(tern.uri("/cache_client.pubsub.Pubsub/Publish"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type,x-grpc-web,x-user-agent")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers"))
                .hasValue("authorization,content-type,x-grpc-web,x-user-agent");
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("POST");
    }

    @Test
    void preflightHonoursTheConfiguredOrigins() throws Exception {
        try (RunningTern restricted = RunningTern.start("--cors-allowed-origins", ORIGIN)) {
            HttpResponse<String> allowed = preflight(restricted, ORIGIN);
            assertThat(allowed.statusCode()).isEqualTo(204);
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
            assertThat(allowed.headers().allValues("Vary")).contains("Origin");

            HttpResponse<String> refused = preflight(restricted, "http://elsewhere.example");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
    }

    private static HttpResponse<String> preflight(RunningTern server, String origin) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri("/cache_client.pubsub.Pubsub/Subscribe"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void publishOverGrpcWebReachesLongPoll() throws Exception {
        byte[] request = _PublishRequest.newBuilder().setCacheName("web").setTopic("browser")
                .setValue(_TopicValue.newBuilder().setText("from a browser")).build().toByteArray();
        HttpResponse<byte[]> response = http.send(grpcWeb("/cache_client.pubsub.Pubsub/Publish",
                "application/grpc-web+proto", frame(request)), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(response.headers().firstValue("Access-Control-Expose-Headers").orElseThrow()).contains("grpc-status");
        assertThat(trailerFrame(response.body())).contains("grpc-status:0");

        HttpResponse<String> polled = tern.send("GET", "/topics/web/browser?sequence_number=1", null, null);
        assertThat(polled.body()).contains("\"text\":\"from a browser\"").contains("\"topic_sequence_number\":1");
    }

    @Test
    void errorsCarryTheGrpcStatus() throws Exception {
        byte[] request = _PublishRequest.newBuilder().setCacheName("nowhere").setTopic("t")
                .setValue(_TopicValue.newBuilder().setText("x")).build().toByteArray();
        HttpResponse<byte[]> response = http.send(grpcWeb("/cache_client.pubsub.Pubsub/Publish",
                "application/grpc-web+proto", frame(request)), HttpResponse.BodyHandlers.ofByteArray());
        String status = response.headers().firstValue("grpc-status")
                .orElseGet(() -> trailerFrame(response.body()).replaceAll("(?s).*grpc-status:(\\d+).*", "$1"));
        assertThat(status).isEqualTo("5"); // NOT_FOUND: the SDK's CacheNotFound
    }

    @Test
    void statusMessagesEncodeOnlyWhatTheGrpcSpecAsks() throws Exception {
        HttpResponse<byte[]> response = http.send(grpcWeb("/control_client.ScsControl/FlushCache",
                "application/grpc-web+proto", frame(new byte[0])), HttpResponse.BodyHandlers.ofByteArray());
        String message = response.headers().firstValue("grpc-message")
                .orElseGet(() -> trailerFrame(response.body()).replaceAll("(?s).*grpc-message:([^\r\n]*).*", "$1"));
        assertThat(message).contains("Tern does not implement control_client.ScsControl/FlushCache; it serves")
                .doesNotContain("%2F").doesNotContain("%3B").doesNotContain("%20");
    }

    @Test
    void grpcOverHttp11WithoutWebIsToldWhatToChange() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(tern.uri("/cache_client.pubsub.Pubsub/Publish"))
                .header("Content-Type", "application/grpc")
                .POST(HttpRequest.BodyPublishers.ofByteArray(frame(new byte[0])))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(response.body()).contains("gRPC needs HTTP/2").contains("application/grpc-web");
    }

    @Test
    void aMessageOverTheGrpcSizeLimitIsResourceExhausted() throws Exception {
        byte[] request = _PublishRequest.newBuilder().setCacheName("web").setTopic("huge")
                .setValue(_TopicValue.newBuilder().setBinary(com.google.protobuf.ByteString.copyFrom(new byte[1024 * 1024 + 8192])))
                .build().toByteArray();
        HttpResponse<byte[]> response = http.send(grpcWeb("/cache_client.pubsub.Pubsub/Publish",
                "application/grpc-web+proto", frame(request)), HttpResponse.BodyHandlers.ofByteArray());
        String status = response.headers().firstValue("grpc-status")
                .orElseGet(() -> trailerFrame(response.body()).replaceAll("(?s).*grpc-status:(\\d+).*", "$1"));
        assertThat(status).isEqualTo("8"); // RESOURCE_EXHAUSTED
    }

    @Test
    void grpcCallsAreInTheAccessLog() throws Exception {
        try (CapturedLog log = CapturedLog.start();
             RunningTern logged = RunningTern.start("--access-log", "true")) {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(logged.uri("/cache_client.pubsub.Pubsub/Publish"))
                    .header("Content-Type", "application/grpc-web+proto")
                    .header("authorization", logged.superUserKey())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(frame(_PublishRequest.newBuilder()
                            .setCacheName("missing").setTopic("t").setValue(_TopicValue.newBuilder().setText("x"))
                            .build().toByteArray())))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> !log.linesContaining("Pubsub/Publish").isEmpty());
            assertThat(log.linesContaining("Pubsub/Publish").get(0))
                    .contains("POST /cache_client.pubsub.Pubsub/Publish 200").contains("grpc-status=5");
        }
    }

    @Test
    void subscribeOverGrpcWebTextStreamsAHeartbeatFirst() throws Exception {
        byte[] request = _SubscriptionRequest.newBuilder().setCacheName("web").setTopic("stream").build().toByteArray();
        HttpRequest call = grpcWeb("/cache_client.pubsub.Pubsub/Subscribe", "application/grpc-web-text",
                Base64.getEncoder().encode(frame(request)));
        HttpResponse<InputStream> response = http.send(call, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (InputStream body = response.body()) {
            // A heartbeat frame is 7 bytes: flag, 4-byte length 2, then the message (field 3, empty): 12 base64 chars.
            byte[] first = Base64.getDecoder().decode(new String(body.readNBytes(12), StandardCharsets.US_ASCII));
            assertThat(first[0]).isEqualTo((byte) 0);
            _SubscriptionItem item = _SubscriptionItem.parseFrom(Arrays.copyOfRange(first, 5, first.length));
            assertThat(item.hasHeartbeat()).isTrue();
        }
    }

    private static HttpRequest grpcWeb(String path, String contentType, byte[] body) {
        return HttpRequest.newBuilder(tern.uri(path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", contentType)
                .header("Accept", contentType)
                .header("X-Grpc-Web", "1")
                .header("Origin", ORIGIN)
                .header("authorization", tern.superUserKey())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    private static byte[] frame(byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
    }

    /** The text of the trailer frame (flag 0x80) that ends a gRPC-Web body, or "" when there is none. */
    private static String trailerFrame(byte[] body) {
        ByteBuffer buffer = ByteBuffer.wrap(body);
        while (buffer.remaining() >= 5) {
            byte flag = buffer.get();
            int length = buffer.getInt();
            byte[] content = new byte[length];
            buffer.get(content);
            if ((flag & 0x80) != 0) {
                return new String(content, StandardCharsets.US_ASCII);
            }
        }
        return "";
    }
}
