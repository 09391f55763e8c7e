package dev.tern.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;

/**
 * Publishing in lanes over some protocol (HTTP: {@link Publisher}; Momento gRPC: {@link GrpcFramePublisher}, or
 * grpc-java's client in {@link GrpcPublisher}).
 */
interface PublishLanes extends AutoCloseable {
    /** Starts the lanes; {@code ratePerSecond <= 0} means as fast as the server answers. Counts down as lanes stop. */
    CountDownLatch start(int lanes, double ratePerSecond);

    /** Lanes publishing as fast as answered wait (and retry every millisecond) while this says no. */
    void holdUnless(BooleanSupplier mayPublish);

    void stop();

    /** Successful publishes per topic, warm-up included: what each subscriber of that topic must receive. */
    AtomicLongArray okByTopic();

    @Override
    void close();
}
