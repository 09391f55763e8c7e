package dev.tern.bench;

import grpc.cache_client.pubsub.PubsubGrpc;
import grpc.cache_client.pubsub._SubscriptionItem;
import grpc.cache_client.pubsub._SubscriptionRequest;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * Momento {@code Subscribe} streams, checked like SSE subscribers: a stream counts as connected at its first
 * heartbeat (the server sends one first); items go through the same payload, order and count checks.
 */
final class GrpcSubscribers {
    private GrpcSubscribers() {
    }

    /**
     * Opens {@code count} streams, {@code perConnection} of them multiplexed on each HTTP/2 connection (the SDKs put
     * up to 100 on one; 1 gives every stream a connection of its own).
     */
    static SubscriberFleet open(Target target, int count, int perConnection, IntUnaryOperator topicOf,
                                Measurement measurement) throws InterruptedException {
        GrpcChannels channels = new GrpcChannels(target, target.subscriberPort(), (count + perConnection - 1) / perConnection);
        List<SseSubscriber> subscribers = new ArrayList<>(count);
        CountDownLatch connected = new CountDownLatch(count);
        AtomicInteger failed = new AtomicInteger();
        for (int i = 0; i < count; i++) {
            SseSubscriber subscriber = new SseSubscriber(topicOf.applyAsInt(i), measurement);
            subscribers.add(subscriber);
            PubsubGrpc.PubsubStub stub = PubsubGrpc.newStub(channels.get(i / perConnection))
                    .withInterceptors(channels.authorization);
            _SubscriptionRequest request = _SubscriptionRequest.newBuilder()
                    .setCacheName(target.cache())
                    .setTopic("t" + subscriber.topic)
                    .build();
            stub.subscribe(request, new StreamObserver<_SubscriptionItem>() {
                private boolean heard;

                @Override
                public void onNext(_SubscriptionItem item) {
                    if (!heard) {
                        heard = true;
                        connected.countDown();
                    }
                    switch (item.getKindCase()) {
                        case ITEM: {
                            byte[] bytes = item.getItem().getValue().getTextBytes().toByteArray();
                            subscriber.onEvent("text", bytes, bytes.length);
                            break;
                        }
                        case DISCONTINUITY:
                            subscriber.onEvent("discontinuity", new byte[0], 0);
                            break;
                        default:
                            break;
                    }
                }

                @Override
                public void onError(Throwable error) {
                    subscriber.ended = true;
                    subscriber.failure = String.valueOf(error);
                    if (!heard) {
                        heard = true;
                        if (failed.getAndIncrement() == 0) {
                            System.err.println("bench: a gRPC subscriber failed: " + error);
                        }
                        connected.countDown();
                    }
                }

                @Override
                public void onCompleted() {
                    subscriber.ended = true;
                }
            });
        }
        if (!connected.await(120, TimeUnit.SECONDS)) {
            System.err.println("bench: not every gRPC subscriber connected within 120 s");
        }
        return new SubscriberFleet(subscribers, channels::close, failed.get() + (int) connected.getCount());
    }
}
