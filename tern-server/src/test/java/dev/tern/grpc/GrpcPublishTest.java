package dev.tern.grpc;

import com.google.protobuf.ByteString;
import dev.tern.testing.RunningTern;
import grpc.cache_client.pubsub.PubsubGrpc;
import grpc.cache_client.pubsub._PublishRequest;
import grpc.cache_client.pubsub._SubscriptionItem;
import grpc.cache_client.pubsub._SubscriptionRequest;
import grpc.cache_client.pubsub._TopicValue;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * gRPC Publish as clients call it. A connection's first gRPC call goes through Vert.x's gRPC server; from then on its
 * ordinary Publish calls are answered on the HTTP/2 codec ({@link Http2PublishCalls}), and what that path does not
 * take is handed to Vert.x. So two identical calls on a fresh connection are answered once each way: they must get
 * the same answer, header for header, success or failure.
 */
class GrpcPublishTest {
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    /** Publish with the request body as given, so that undecodable bodies can be sent too. */
    private static final MethodDescriptor<byte[], byte[]> RAW_PUBLISH = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("cache_client.pubsub.Pubsub/Publish")
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

    private RunningTern tern;
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (tern != null) {
            tern.close();
        }
    }

    @Test
    void bothWaysAnswerEveryCaseAlike() throws Exception {
        tern = RunningTern.start();
        tern.createCache("pub", "{\"max_publish_message_size_kb\": 64}"); // room for bodies handed to Vert.x
        tern.createCache("tiny", "{\"max_publish_message_size_kb\": 1}");
        tern.createCache("slow", "{\"max_publish_rate\": 1}");
        String key = tern.superUserKey();

        long inOneWrite = Http2PublishCalls.answeredInOneWrite();
        Answer ok = sameAnswerBothWays(key, publish("pub", "t", "hello"));
        assertThat(Http2PublishCalls.answeredInOneWrite() - inOneWrite).as("successes answered in one write")
                .isEqualTo(1);
        assertThat(ok.status()).isEqualTo(Status.Code.OK);
        assertThat(ok.headers()).containsEntry("content-type", List.of("application/grpc"));
        assertThat(ok.message()).isEqualTo(""); // _Empty

        assertThat(sameAnswerBothWays("not-a-key", publish("pub", "t", "x")).status()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(sameAnswerBothWays(null, publish("pub", "t", "x")).status()).isEqualTo(Status.Code.UNAUTHENTICATED);
        Answer missing = sameAnswerBothWays(key, publish("no-such-cache", "t", "x"));
        assertThat(missing.status()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(missing.description()).contains("no-such-cache");
        assertThat(sameAnswerBothWays(key, publish("pub", "bad topic!", "x")).status()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(sameAnswerBothWays(key, _PublishRequest.newBuilder().setCacheName("pub").setTopic("t").build().toByteArray())
                .status()).as("no value").isEqualTo(Status.Code.INVALID_ARGUMENT);
        Answer tooLarge = sameAnswerBothWays(key, publish("tiny", "t", "y".repeat(2048)));
        assertThat(tooLarge.status()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(tooLarge.trailers()).containsEntry("err", List.of("request_size_limit_exceeded"));
        // Rate: a first call uses the second's allowance, then both ways are refused, unless a new second began
        // in between (then again).
        Answer limited = null;
        for (int attempt = 0; attempt < 10 && limited == null; attempt++) {
            call(channel(), key, publish("slow", "t", "x"));
            ManagedChannel channel = channel();
            Answer first = call(channel, key, publish("slow", "t", "x"));
            Answer second = call(channel, key, publish("slow", "t", "x"));
            if (first.status() != Status.Code.OK && second.status() != Status.Code.OK) {
                assertThat(second).isEqualTo(first);
                limited = first;
            }
        }
        assertThat(limited).as("two refusals within one second").isNotNull();
        assertThat(limited.status()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(limited.trailers()).containsEntry("err", List.of("operations_rate_limit_exceeded"));
        // Handed to Vert.x by the codec path: bodies that do not decode, and bodies above its size.
        assertThat(sameAnswerHandedOver(key, "not protobuf".getBytes(StandardCharsets.UTF_8)).status())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(sameAnswerHandedOver(key, publish("pub", "t", "z".repeat(Http2PublishCalls.MAX_BODY + 10))).status())
                .isEqualTo(Status.Code.OK);
    }

    @Test
    void messagesPublishedEitherWayArriveInOrderAsSent() throws Exception {
        tern = RunningTern.start();
        tern.createCache("pub", "{\"max_publish_message_size_kb\": 64}"); // room for bodies handed to Vert.x
        String key = tern.superUserKey();
        Iterator<_SubscriptionItem> items = PubsubGrpc.newBlockingStub(channel())
                .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(credential(key)))
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .subscribe(_SubscriptionRequest.newBuilder().setCacheName("pub").setTopic("order").build());
        assertThat(items.next().hasHeartbeat()).isTrue();

        ManagedChannel publishing = channel();
        List<_TopicValue> sent = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            _TopicValue value = switch (i % 4) {
                case 0 -> _TopicValue.newBuilder().setText("text " + i).build();
                case 1 -> _TopicValue.newBuilder().setBinary(ByteString.copyFrom(new byte[]{(byte) i, 0, (byte) 0xFF})).build();
                case 2 -> _TopicValue.newBuilder().setText("é✓ " + i + " " + "x".repeat(1000)).build();
                default -> _TopicValue.newBuilder().setText(i + "y".repeat(Http2PublishCalls.MAX_BODY)).build(); // handed over
            };
            Answer answer = call(publishing, key, _PublishRequest.newBuilder().setCacheName("pub").setTopic("order")
                    .setValue(value).build().toByteArray());
            assertThat(answer.status()).as("publish %d", i).isEqualTo(Status.Code.OK);
            sent.add(value);
        }
        long sequence = 0;
        for (_TopicValue value : sent) {
            _SubscriptionItem item = items.next();
            while (item.hasHeartbeat()) {
                item = items.next();
            }
            assertThat(item.hasItem()).isTrue();
            assertThat(item.getItem().getValue()).isEqualTo(value);
            assertThat(item.getItem().getTopicSequenceNumber()).isEqualTo(++sequence);
        }
        assertThat(Http2PublishCalls.answered()).as("calls answered on the codec").isGreaterThanOrEqualTo(40);
    }

    @Test
    void bothWaysWriteTheSameAccessLogLine() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String key;
        try {
            tern = RunningTern.start("--access-log", "true");
            tern.createCache("pub");
            key = tern.superUserKey();
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            sameAnswerBothWays(key, publish("pub", "t", "x"));
            sameAnswerBothWays(key, publish("no-such-cache", "t", "x"));
            await().atMost(Duration.ofSeconds(5)).until(() -> publishLines(captured).size() >= 4);
        } finally {
            System.setOut(original);
        }
        List<String> lines = publishLines(captured);
        assertThat(lines).hasSize(4);
        // Without the milliseconds, which differ: client, method, path, status, bytes and gRPC status.
        List<String> shapes = lines.stream().map(line -> line.replaceAll(" \\d+ms", " _ms")).toList();
        assertThat(shapes.get(0)).contains("127.0.0.1 POST /cache_client.pubsub.Pubsub/Publish 200").endsWith("grpc-status=0");
        assertThat(shapes.get(1)).isEqualTo(shapes.get(0));
        assertThat(shapes.get(2)).endsWith("grpc-status=5");
        assertThat(shapes.get(3)).isEqualTo(shapes.get(2));
        assertThat(lines).noneMatch(line -> line.contains(key));
    }

    private static List<String> publishLines(ByteArrayOutputStream captured) {
        return captured.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains("/cache_client.pubsub.Pubsub/Publish"))
                .map(line -> line.substring(line.indexOf("127.0.0.1")))
                .toList();
    }

    /** The call twice on a fresh connection (through Vert.x, then on the codec): both answers must be equal. */
    private Answer sameAnswerBothWays(String credential, byte[] body) throws Exception {
        return twice(credential, body, 1);
    }

    /** The call twice on a fresh connection, where the codec path hands the second to Vert.x too. */
    private Answer sameAnswerHandedOver(String credential, byte[] body) throws Exception {
        return twice(credential, body, 0);
    }

    private Answer twice(String credential, byte[] body, int answeredOnCodec) throws Exception {
        ManagedChannel channel = channel();
        Answer first = call(channel, credential, body);
        long before = Http2PublishCalls.answered();
        Answer second = call(channel, credential, body);
        assertThat(Http2PublishCalls.answered() - before).as("calls answered on the codec").isEqualTo(answeredOnCodec);
        assertThat(second).as("the second answer against the first, Vert.x's").isEqualTo(first);
        return first;
    }

    private static byte[] publish(String cache, String topic, String text) {
        return _PublishRequest.newBuilder().setCacheName(cache).setTopic(topic)
                .setValue(_TopicValue.newBuilder().setText(text)).build().toByteArray();
    }

    private static Metadata credential(String key) {
        Metadata headers = new Metadata();
        if (key != null) {
            headers.put(AUTHORIZATION, key);
        }
        return headers;
    }

    private Answer call(ManagedChannel channel, String credential, byte[] body) throws Exception {
        ClientCall<byte[], byte[]> call = channel.newCall(RAW_PUBLISH, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS));
        CompletableFuture<Answer> answered = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
            private Metadata headers = new Metadata();
            private byte[] message;

            @Override
            public void onHeaders(Metadata headers) {
                this.headers = headers;
            }

            @Override
            public void onMessage(byte[] message) {
                this.message = message;
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                answered.complete(new Answer(status.getCode(), status.getDescription(), visible(headers), visible(trailers),
                        message == null ? null : new String(message, StandardCharsets.UTF_8)));
            }
        }, credential(credential));
        call.request(2);
        call.sendMessage(body);
        call.halfClose();
        return answered.get(30, TimeUnit.SECONDS);
    }

    /** Every text header the client sees, by name, values in order. */
    private static Map<String, List<String>> visible(Metadata metadata) {
        Map<String, List<String>> headers = new TreeMap<>();
        for (String name : metadata.keys()) {
            if (!name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                List<String> values = new ArrayList<>();
                metadata.getAll(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER)).forEach(values::add);
                headers.put(name, values);
            }
        }
        return headers;
    }

    private ManagedChannel channel() {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", tern.port()).usePlaintext().build();
        channels.add(channel);
        return channel;
    }

    private record Answer(Status.Code status, String description, Map<String, List<String>> headers,
                          Map<String, List<String>> trailers, String message) {
    }
}
