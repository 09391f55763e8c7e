package dev.tern.bench;

import com.google.protobuf.ByteString;
import grpc.cache_client.pubsub._PublishRequest;
import grpc.cache_client.pubsub._TopicValue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Momento {@code Publish} calls in lanes, on the same footing as {@link Publisher}'s HTTP publishes: a lane owns one
 * HTTP/2 connection ({@link Http2PublishConnection}, frames on a raw socket) with one call in flight, on the
 * publishers' event loop, with the same schedule rules and the same {@link Measurement} calls. Only the value differs
 * per call: the {@code _PublishRequest} bytes before it are made once per topic, and the request headers are the
 * same on every call, HPACK-encoded per call by the connection. A publish counts as OK only on HTTP 200 with
 * {@code grpc-status: 0}. For an SDK's own client library on the same lanes, see {@link GrpcPublisher}.
 */
final class GrpcFramePublisher implements PublishLanes {
    /** gRPC's length-prefixed message: a compression flag and a 4-byte length. */
    private static final int PREFIX_LENGTH = 5;
    /** The deadline of each call, sent as grpc-js does (whole milliseconds); the SDKs' default for Publish is 5 s. */
    private static final String TIMEOUT = "5000m";

    private final Target target;
    private final int topics;
    private final Measurement measurement;
    private final List<Context> loops;
    private final List<NetClient> clients = new ArrayList<>();
    /** Per topic: the {@code _PublishRequest} bytes that precede the value's 128 payload bytes. */
    private final byte[][] messageHeads;
    private final Http2Headers requestHeaders;
    private final AtomicLongArray okByTopic;
    private volatile boolean stopped;
    private volatile BooleanSupplier mayPublish = () -> true;

    GrpcFramePublisher(Vertx vertx, List<Context> loops, Target target, int topics, Measurement measurement) {
        this.target = target;
        this.topics = topics;
        this.measurement = measurement;
        this.loops = loops;
        for (int i = 0; i < loops.size(); i++) {
            clients.add(vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(10_000)));
        }
        this.messageHeads = new byte[topics][];
        for (int t = 0; t < topics; t++) {
            messageHeads[t] = messageHead(target.cache(), "t" + t);
        }
        this.requestHeaders = requestHeaders(target);
        this.okByTopic = new AtomicLongArray(topics);
    }

    /**
     * The headers the Momento SDKs' gRPC clients send on a unary call (grpc-js: pseudo-headers, content type,
     * {@code te}, deadline, accepted encodings, user agent; Momento's interceptors: {@code authorization},
     * {@code agent}, {@code runtime-version}, and {@code cache} on data calls), with this generator's own names where
     * a header names the client.
     */
    private static Http2Headers requestHeaders(Target target) {
        Http2Headers headers = new DefaultHttp2Headers()
                .method("POST")
                .scheme("http")
                .path("/cache_client.pubsub.Pubsub/Publish")
                .authority(target.host() + ":" + target.port())
                .add("content-type", "application/grpc")
                .add("te", "trailers")
                .add("grpc-timeout", TIMEOUT)
                .add("grpc-accept-encoding", "identity,deflate,gzip")
                .add("accept-encoding", "identity")
                .add("user-agent", "tern-bench-grpc-frames/1.0");
        if (target.token() != null && !target.token().isEmpty()) {
            headers.add("authorization", target.token());
        }
        return headers
                .add("agent", "tern-bench:topic:1.0")
                .add("runtime-version", "java:" + Runtime.version().feature())
                .add("cache", target.cache());
    }

    /** {@code _PublishRequest{cache_name, topic, value{text}}} up to the value's text, which protobuf writes last. */
    private static byte[] messageHead(String cache, String topic) {
        byte[] placeholder = new byte[Payload.SIZE];
        Arrays.fill(placeholder, (byte) 'x');
        byte[] whole = _PublishRequest.newBuilder()
                .setCacheName(cache)
                .setTopic(topic)
                .setValue(_TopicValue.newBuilder().setTextBytes(ByteString.copyFrom(placeholder)))
                .build()
                .toByteArray();
        int head = whole.length - Payload.SIZE;
        if (!Arrays.equals(whole, head, whole.length, placeholder, 0, Payload.SIZE)) {
            throw new IllegalStateException("the value's text is not the end of the encoded _PublishRequest");
        }
        return Arrays.copyOf(whole, head);
    }

    @Override
    public CountDownLatch start(int lanes, double ratePerSecond) {
        CountDownLatch finished = new CountDownLatch(lanes);
        long origin = BenchClock.nanos();
        for (int i = 0; i < lanes; i++) {
            Lane lane = new Lane(i, lanes, ratePerSecond, origin, finished, loops.get(i % loops.size()),
                    clients.get(i % loops.size()));
            lane.context.runOnContext(v -> lane.next());
        }
        return finished;
    }

    @Override
    public void holdUnless(BooleanSupplier mayPublish) {
        this.mayPublish = mayPublish;
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public AtomicLongArray okByTopic() {
        return okByTopic;
    }

    @Override
    public void close() {
        clients.forEach(client -> Blocking.await(client.close()));
    }

    private final class Lane {
        final int id;
        final LaneSchedule schedule;
        /** Made once: the lane passes them to its schedule for every message. */
        final LongConsumer sendAt = this::send;
        final Runnable retry = this::next;
        final CountDownLatch finished;
        final Context context;
        final NetClient client;
        Http2PublishConnection connection;
        long sequence;

        Lane(int id, int laneCount, double rate, long origin, CountDownLatch finished, Context context,
             NetClient client) {
            this.id = id;
            this.schedule = new LaneSchedule(id, laneCount, rate, origin);
            this.finished = finished;
            this.context = context;
            this.client = client;
        }

        void next() {
            if (stopped) {
                if (connection != null) {
                    connection.close();
                }
                finished.countDown();
                return;
            }
            schedule.next(context, mayPublish, sendAt, retry);
        }

        private void send(long stamp) {
            if (connection == null || !connection.usable()) {
                if (connection != null) {
                    connection.close(); // told to go away, or out of stream ids
                    connection = null;
                }
                client.connect(target.port(), target.host()).onComplete(ar -> {
                    if (ar.failed()) {
                        connection = null;
                        complete(false, stamp, -1, ar.cause().toString());
                        return;
                    }
                    connection = new Http2PublishConnection(ar.result(), requestHeaders);
                    send(stamp);
                });
                return;
            }
            int topic = topics == 1 ? 0 : ThreadLocalRandom.current().nextInt(topics);
            byte[] head = messageHeads[topic];
            ByteBuf body = Unpooled.buffer(PREFIX_LENGTH + head.length + Payload.SIZE)
                    .writeByte(0)
                    .writeInt(head.length + Payload.SIZE)
                    .writeBytes(head)
                    .writeBytes(new Payload(id, ++sequence, stamp, topic).encode());
            connection.call(body, (ok, failure) -> complete(ok, stamp, topic, failure));
        }

        private void complete(boolean ok, long stamp, int topic, String failure) {
            if (ok) {
                okByTopic.incrementAndGet(topic);
            } else if (measurement.failedPublishes.sum() == 0) {
                System.err.println("bench: gRPC publish to " + target.name() + " failed: " + failure);
            }
            measurement.published(ok, stamp);
            if (ok) {
                next();
            } else {
                context.owner().setTimer(10, t -> next()); // do not spin on a failing server
            }
        }
    }
}
