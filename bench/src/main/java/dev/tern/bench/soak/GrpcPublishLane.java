package dev.tern.bench.soak;

import com.google.protobuf.ByteString;
import grpc.cache_client.pubsub.PubsubGrpc;
import grpc.cache_client.pubsub._PublishRequest;
import grpc.cache_client.pubsub._TopicValue;
import grpc.common._Empty;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Momento {@code Publish} calls on a channel of the lane's own, text values. While churn is on, the channel is
 * replaced after a random 50 to 300 publishes (between two calls, so no publish is left in doubt).
 */
final class GrpcPublishLane extends PublishLane {
    private final ScheduledExecutorService timer;
    private ManagedChannel channel;
    private int untilNewChannel;

    GrpcPublishLane(int lane, String cache, int topics, double rate, SoakClients clients, Acknowledged acknowledged,
                    CountDownLatch done, ScheduledExecutorService timer) {
        super(lane, cache, topics, rate, clients, acknowledged, done);
        this.timer = timer;
    }

    @Override
    protected void beforeNewMessage() {
        if (channel == null || (clients.churning() && --untilNewChannel <= 0)) {
            if (channel != null) {
                channel.shutdown();
                clients.stats.publisherReconnects.increment();
            }
            channel = GrpcAuth.channel(clients.host, clients.port);
            untilNewChannel = ThreadLocalRandom.current().nextInt(50, 301);
        }
    }

    @Override
    protected void send(String topic, byte[] body, String token) {
        _PublishRequest request = _PublishRequest.newBuilder().setCacheName(cache).setTopic(topic)
                .setValue(_TopicValue.newBuilder().setTextBytes(ByteString.copyFrom(body))).build();
        // No deadline: a publish that timed out on the client may still have been stored, and its retry would then
        // be a duplicate. On a machine many times oversubscribed a new channel's first call waited 19 s to connect.
        PubsubGrpc.newStub(channel).withInterceptors(GrpcAuth.with(token))
                .publish(request, new StreamObserver<_Empty>() {
                    @Override
                    public void onNext(_Empty value) {
                    }

                    @Override
                    public void onError(Throwable error) {
                        Status status = Status.fromThrowable(error);
                        answered(status.getCode() == Status.Code.UNAUTHENTICATED ? Outcome.TOKEN_EXPIRED : Outcome.FAILED,
                                String.valueOf(status));
                    }

                    @Override
                    public void onCompleted() {
                        answered(Outcome.STORED, "");
                    }
                });
    }

    @Override
    protected void later(long millis, Runnable task) {
        timer.schedule(task, Math.max(1, millis), TimeUnit.MILLISECONDS);
    }

    void closeChannel() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }
}
