package dev.tern.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.tern.testing.CapturedLog;
import dev.tern.testing.RunningTern;
import grpc.cache_client.pubsub._PublishRequest;
import grpc.cache_client.pubsub._SubscriptionRequest;
import grpc.cache_client.pubsub._TopicValue;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * gRPC (HTTP/2 over cleartext, as the SDKs speak it) with a request body Vert.x's gRPC server cannot read: a message
 * frame flagged compressed without a {@code grpc-encoding} header. Each is answered INVALID_ARGUMENT with the
 * guard's message ({@link MalformedBodyGuard}), leaves no ERROR line, and the same connection goes on answering.
 * The cases cover the three ways such a call reaches Vert.x: a connection's first call, a later Publish that the
 * HTTP/2 codec path ({@link Http2PublishCalls}) hands over, and Subscribe. gRPC-Web: {@link MalformedGrpcWebBodyTest}.
 */
class MalformedGrpcBodyTest {
    private static final String PUBLISH = "/cache_client.pubsub.Pubsub/Publish";
    private static final String SUBSCRIBE = "/cache_client.pubsub.Pubsub/Subscribe";
    private static RunningTern tern;
    private static CapturedLog log;
    private static Vertx vertx;
    private static HttpClientAgent client;
    private HttpClientConnection connection;

    /** What a call was answered: HTTP status, grpc-status and grpc-message (from the headers or the trailers). */
    record Answer(int httpStatus, String grpcStatus, String grpcMessage) {
        static Answer of(int httpStatus, MultiMap headers, MultiMap trailers) {
            MultiMap from = headers.contains("grpc-status") ? headers : trailers;
            return new Answer(httpStatus, from.get("grpc-status"), from.get("grpc-message"));
        }
    }

    @BeforeAll
    static void start() {
        log = CapturedLog.start();
        tern = RunningTern.start();
        tern.createCache("h2");
        vertx = Vertx.vertx();
        client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)); // prior knowledge, as gRPC clients connect
    }

    @AfterAll
    static void stop() throws Exception {
        client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        tern.close();
        log.close();
    }

    @BeforeEach
    void connect() throws Exception {
        connection = await(client.connect(new HttpConnectOptions().setHost("127.0.0.1").setPort(tern.port())));
    }

    @AfterEach
    void disconnect() throws Exception {
        await(connection.close());
    }

    @Test
    void aCompressedFrameWithoutAnEncodingAsAConnectionsFirstCallIsInvalidArgument() throws Exception {
        assertInvalidArgument(call(PUBLISH, compressedWithoutEncoding(publish("first"))));
        assertThat(call(PUBLISH, frame(publish("after"))).grpcStatus()).as("the same connection answers on").isEqualTo("0");
    }

    @Test
    void aCompressedFrameWithoutAnEncodingHandedOverByTheCodecPathIsInvalidArgument() throws Exception {
        // The first call installs the codec path on the connection; the malformed call is then handed from it to Vert.x.
        assertThat(call(PUBLISH, frame(publish("before"))).grpcStatus()).isEqualTo("0");
        assertInvalidArgument(call(PUBLISH, compressedWithoutEncoding(publish("second"))));
        assertThat(call(PUBLISH, frame(publish("after"))).grpcStatus()).as("the same connection answers on").isEqualTo("0");
    }

    @Test
    void aCompressedSubscribeRequestWithoutAnEncodingIsInvalidArgument() throws Exception {
        byte[] subscribe = _SubscriptionRequest.newBuilder().setCacheName("h2").setTopic("t").build().toByteArray();
        assertInvalidArgument(call(SUBSCRIBE, compressedWithoutEncoding(subscribe)));
        assertThat(call(PUBLISH, frame(publish("after"))).grpcStatus()).as("the same connection answers on").isEqualTo("0");
    }

    private static void assertInvalidArgument(Answer answer) {
        assertThat(answer.httpStatus()).as("gRPC answers carry their status in grpc-status, over HTTP 200").isEqualTo(200);
        assertThat(answer.grpcStatus()).as("INVALID_ARGUMENT").isEqualTo("3");
        assertThat(answer.grpcMessage()).isEqualTo(MalformedBodyGuard.MESSAGE);
        assertThat(log.errorLines()).as("ERROR lines").isEmpty();
    }

    /** One call on this test's connection, answered within 10 s. */
    private Answer call(String path, byte[] body) throws Exception {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
                .putHeader("content-type", "application/grpc").putHeader("te", "trailers")
                .putHeader("authorization", tern.superUserKey());
        return await(connection.request(options)
                .compose(request -> request.send(Buffer.buffer(body)))
                .compose(response -> ended(response) // a Subscribe that was accepted would stream; these are refused
                        .map(done -> Answer.of(response.statusCode(), response.headers(), response.trailers()))));
    }

    /**
     * The response's end. A trailers-only answer can end before this callback runs; Vert.x's {@code end()} then
     * throws {@link IllegalStateException} (it does so only once the trailers have arrived), and the answer is
     * complete.
     */
    private static Future<Void> ended(HttpClientResponse response) {
        try {
            return response.end();
        } catch (IllegalStateException alreadyEnded) {
            return Future.succeededFuture();
        }
    }

    private static byte[] publish(String text) {
        MessageLite request = _PublishRequest.newBuilder().setCacheName("h2").setTopic("t")
                .setValue(_TopicValue.newBuilder().setText(text)).build();
        return request.toByteArray();
    }

    /** A gRPC message frame: flag, 4-byte length, message. */
    private static byte[] frame(byte[] message) {
        return frame(0, message);
    }

    /** A frame flagged compressed, sent without a grpc-encoding header (so nothing says how to decompress it). */
    private static byte[] compressedWithoutEncoding(byte[] message) {
        return frame(1, message);
    }

    private static byte[] frame(int flag, byte[] message) {
        return ByteString.copyFrom(new byte[] {(byte) flag, (byte) (message.length >>> 24), (byte) (message.length >>> 16),
                (byte) (message.length >>> 8), (byte) message.length}).concat(ByteString.copyFrom(message)).toByteArray();
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
