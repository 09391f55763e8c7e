package dev.tern.bench;

import grpc.cache_client.pubsub.PubsubGrpc;
import grpc.cache_client.pubsub._Heartbeat;
import grpc.cache_client.pubsub._PublishRequest;
import grpc.cache_client.pubsub._SubscriptionItem;
import grpc.cache_client.pubsub._SubscriptionRequest;
import grpc.cache_client.pubsub._TopicItem;
import grpc.common._Empty;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gRPC rows' peer: a minimal Momento {@code Pubsub} server on plain grpc-java (its Netty transport), what one
 * would write without Tern. Publish numbers the message per topic and hands one {@code _SubscriptionItem} to every
 * Subscribe stream of the topic (server streaming, grpc-java's own flow control and write batching); Subscribe sends
 * a heartbeat first, then the topic's items. No authentication, no history, no limits: it is the transport's cost.
 */
final class GrpcPeer {
    private GrpcPeer() {
    }

    static Server start(String host, int port) throws Exception {
        return NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .addService(new Pubsub())
                .maxInboundMessageSize(1 << 20)
                .build()
                .start();
    }

    private static final class Topic {
        final List<ServerCallStreamObserver<_SubscriptionItem>> subscribers = new ArrayList<>();
        long sequence;
    }

    private static final class Pubsub extends PubsubGrpc.PubsubImplBase {
        private static final _SubscriptionItem HEARTBEAT =
                _SubscriptionItem.newBuilder().setHeartbeat(_Heartbeat.getDefaultInstance()).build();
        private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();

        @Override
        public void publish(_PublishRequest request, StreamObserver<_Empty> answer) {
            Topic topic = topics.computeIfAbsent(request.getTopic(), t -> new Topic());
            synchronized (topic) { // numbering and handing out in one order; onNext is not thread-safe per call
                _SubscriptionItem item = _SubscriptionItem.newBuilder().setItem(_TopicItem.newBuilder()
                        .setTopicSequenceNumber(++topic.sequence).setValue(request.getValue())).build();
                for (ServerCallStreamObserver<_SubscriptionItem> subscriber : topic.subscribers) {
                    if (!subscriber.isCancelled()) {
                        subscriber.onNext(item);
                    }
                }
            }
            answer.onNext(_Empty.getDefaultInstance());
            answer.onCompleted();
        }

        @Override
        public void subscribe(_SubscriptionRequest request, StreamObserver<_SubscriptionItem> observer) {
            ServerCallStreamObserver<_SubscriptionItem> stream = (ServerCallStreamObserver<_SubscriptionItem>) observer;
            Topic topic = topics.computeIfAbsent(request.getTopic(), t -> new Topic());
            stream.setOnCancelHandler(() -> {
                synchronized (topic) {
                    topic.subscribers.remove(stream);
                }
            });
            synchronized (topic) {
                stream.onNext(HEARTBEAT);
                topic.subscribers.add(stream);
            }
        }
    }
}
