package dev.tern.bench;

import com.google.protobuf.ByteString;
import grpc.cache_client.pubsub.PubsubGrpc;
import grpc.cache_client.pubsub._PublishRequest;
import grpc.cache_client.pubsub._TopicValue;
import grpc.common._Empty;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;

/**
 * Lanes of Momento {@code Publish} calls through grpc-java's client, the library of the Java SDK (the same lane rules
 * as {@link Publisher}): each lane has its own channel (HTTP/2 connection) and one call in flight; text values, so
 * subscribers read the payload as sent. A client library costs the load generator several times what a call costs
 * the server, so bench/run publishes with {@link GrpcFramePublisher}; this one ({@code --grpc-publisher grpc-java})
 * shows what a real client library's calls do to the same server.
 */
final class GrpcPublisher implements PublishLanes {
    private final Target target;
    private final int topics;
    private final Measurement measurement;
    private final GrpcChannels channels;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "grpc-publish-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLongArray okByTopic;
    private volatile boolean stopped;
    private volatile BooleanSupplier mayPublish = () -> true;

    GrpcPublisher(Target target, int lanes, int topics, Measurement measurement) {
        this.target = target;
        this.topics = topics;
        this.measurement = measurement;
        this.channels = new GrpcChannels(target, target.port(), lanes);
        this.okByTopic = new AtomicLongArray(topics);
    }

    @Override
    public CountDownLatch start(int lanes, double ratePerSecond) {
        CountDownLatch finished = new CountDownLatch(lanes);
        long origin = BenchClock.nanos();
        for (int i = 0; i < lanes; i++) {
            new Lane(i, lanes, ratePerSecond, origin, finished).next();
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
        timer.shutdownNow();
        channels.close();
    }

    private final class Lane {
        final int id;
        final int laneCount;
        final double rate;
        final long origin;
        final CountDownLatch finished;
        final PubsubGrpc.PubsubStub stub;
        long sequence;
        long scheduleIndex;

        Lane(int id, int laneCount, double rate, long origin, CountDownLatch finished) {
            this.id = id;
            this.laneCount = laneCount;
            this.rate = rate;
            this.origin = origin;
            this.finished = finished;
            this.stub = PubsubGrpc.newStub(channels.get(id)).withInterceptors(channels.authorization);
            this.scheduleIndex = id;
        }

        void next() {
            if (stopped) {
                finished.countDown();
                return;
            }
            if (rate <= 0) {
                if (mayPublish.getAsBoolean()) {
                    send(BenchClock.nanos());
                } else {
                    timer.schedule(this::next, 1, TimeUnit.MILLISECONDS);
                }
                return;
            }
            long due = origin + (long) (scheduleIndex * 1e9 / rate);
            scheduleIndex += laneCount;
            long now = BenchClock.nanos();
            if (due <= now) {
                send(due);
            } else {
                timer.schedule(() -> send(BenchClock.nanos()), due - now, TimeUnit.NANOSECONDS);
            }
        }

        private void send(long stamp) {
            int topic = topics == 1 ? 0 : ThreadLocalRandom.current().nextInt(topics);
            byte[] payload = new Payload(id, ++sequence, stamp, topic).encode();
            _PublishRequest request = _PublishRequest.newBuilder()
                    .setCacheName(target.cache())
                    .setTopic("t" + topic)
                    .setValue(_TopicValue.newBuilder().setTextBytes(ByteString.copyFrom(payload)))
                    .build();
            stub.publish(request, new StreamObserver<_Empty>() {
                @Override
                public void onNext(_Empty value) {
                }

                @Override
                public void onError(Throwable error) {
                    if (measurement.failedPublishes.sum() == 0) {
                        System.err.println("bench: gRPC publish failed: " + error);
                    }
                    measurement.published(false, stamp);
                    timer.schedule(Lane.this::next, 10, TimeUnit.MILLISECONDS);
                }

                @Override
                public void onCompleted() {
                    okByTopic.incrementAndGet(topic);
                    measurement.published(true, stamp);
                    next();
                }
            });
        }
    }
}
