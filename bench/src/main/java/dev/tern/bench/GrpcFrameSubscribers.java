package dev.tern.bench;

import grpc.cache_client.pubsub._SubscriptionRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * Momento {@code Subscribe} streams on the same footing as the SSE subscribers ({@link SubscriberFleet}): raw
 * connections spread over the client's event loops, each carrying {@code perConnection} streams as HTTP/2 frames
 * ({@link Http2SubscribeConnection}), checked and counted as {@link GrpcSubscribers}' grpc-java streams are. A
 * stream counts as connected at its first item (the server sends a heartbeat first).
 */
final class GrpcFrameSubscribers {
    private static final int PREFIX_LENGTH = 5;

    private GrpcFrameSubscribers() {
    }

    static SubscriberFleet open(Vertx vertx, List<Context> loops, Target target, int count, int perConnection,
                                IntUnaryOperator topicOf, Measurement measurement) throws InterruptedException {
        List<NetClient> clients = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            clients.add(vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(30_000)));
        }
        Http2Headers headers = requestHeaders(target);
        List<SseSubscriber> subscribers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            subscribers.add(new SseSubscriber(topicOf.applyAsInt(i), measurement));
        }
        CountDownLatch started = new CountDownLatch(count);
        AtomicInteger failed = new AtomicInteger();
        Http2SubscribeConnection.Started onStarted = (ok, failure) -> {
            if (!ok && failed.getAndIncrement() == 0) {
                System.err.println("bench: a gRPC subscriber failed: " + failure);
            }
            started.countDown();
        };
        int connections = (count + perConnection - 1) / perConnection;
        for (int c = 0; c < connections; c++) {
            List<SseSubscriber> mine = subscribers.subList(c * perConnection, Math.min(count, (c + 1) * perConnection));
            NetClient client = clients.get(c % loops.size());
            loops.get(c % loops.size()).runOnContext(v -> client.connect(target.subscriberPort(), target.host())
                    .onComplete(ar -> {
                        if (ar.failed()) {
                            mine.forEach(s -> {
                                s.failure = String.valueOf(ar.cause());
                                s.ended = true;
                                onStarted.started(false, s.failure);
                            });
                            return;
                        }
                        Http2SubscribeConnection connection = new Http2SubscribeConnection(ar.result(), headers);
                        for (SseSubscriber subscriber : mine) {
                            subscriber.readFrom(ar.result());
                            connection.subscribe(subscriber, body(target, subscriber.topic), onStarted);
                        }
                        connection.flush();
                    }));
        }
        // Started (or failed) streams only; failures and laggards count as not connected.
        if (!started.await(120, TimeUnit.SECONDS)) {
            System.err.println("bench: not every gRPC subscriber connected within 120 s");
        }
        return new SubscriberFleet(subscribers, () -> clients.forEach(client -> Blocking.await(client.close())),
                failed.get() + (int) started.getCount());
    }

    /** The headers grpc-java sends on a server-streaming call, with Momento's {@code authorization}; no deadline. */
    private static Http2Headers requestHeaders(Target target) {
        Http2Headers headers = new DefaultHttp2Headers()
                .method("POST")
                .scheme("http")
                .path("/cache_client.pubsub.Pubsub/Subscribe")
                .authority(target.host() + ":" + target.subscriberPort())
                .add("content-type", "application/grpc")
                .add("te", "trailers")
                .add("grpc-accept-encoding", "identity")
                .add("user-agent", "tern-bench-grpc-frames/1.0");
        if (target.token() != null && !target.token().isEmpty()) {
            headers.add("authorization", target.token());
        }
        return headers;
    }

    /** The gRPC body: {@code _SubscriptionRequest{cache_name, topic}} after its 5-byte prefix. */
    private static ByteBuf body(Target target, int topic) {
        byte[] request = _SubscriptionRequest.newBuilder()
                .setCacheName(target.cache())
                .setTopic("t" + topic)
                .build()
                .toByteArray();
        return Unpooled.buffer(PREFIX_LENGTH + request.length).writeByte(0).writeInt(request.length).writeBytes(request);
    }
}
