package dev.tern.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * Opens many SSE subscribers cheaply: raw connections spread over the client's event loops (each
 * subscriber lives on one loop, no thread hops), a bounded number of connects in flight so the server's accept
 * backlog never overflows.
 */
final class SubscriberFleet implements AutoCloseable {
    private static final int CONNECTS_IN_FLIGHT = 256;

    final List<SseSubscriber> subscribers;
    private final Runnable closer;
    final int failedToConnect;

    SubscriberFleet(List<SseSubscriber> subscribers, Runnable closer, int failedToConnect) {
        this.subscribers = subscribers;
        this.closer = closer;
        this.failedToConnect = failedToConnect;
    }

    static SubscriberFleet open(Vertx vertx, List<Context> loops, Target target, int count, IntUnaryOperator topicOf,
                                Measurement measurement) throws InterruptedException {
        List<NetClient> clients = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            clients.add(vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(30_000)));
        }
        List<SseSubscriber> subscribers = new ArrayList<>(count);
        Semaphore inFlight = new Semaphore(CONNECTS_IN_FLIGHT);
        CountDownLatch done = new CountDownLatch(count);
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger firstFailureReported = new AtomicInteger();
        for (int i = 0; i < count; i++) {
            SseSubscriber subscriber = new SseSubscriber(topicOf.applyAsInt(i), measurement);
            subscribers.add(subscriber);
            int connection = i;
            inFlight.acquire();
            NetClient client = clients.get(i % loops.size());
            String host = target.subscriberHosts().get(connection % target.subscriberHosts().size());
            loops.get(i % loops.size()).runOnContext(v ->
                    subscriber.connect(client, target, host).onComplete(ar -> {
                        if (ar.failed()) {
                            failed.incrementAndGet();
                            if (firstFailureReported.getAndIncrement() == 0) {
                                System.err.println("bench: a subscriber failed to connect: " + ar.cause());
                            }
                        }
                        inFlight.release();
                        done.countDown();
                    }));
        }
        if (!done.await(120, TimeUnit.SECONDS)) {
            System.err.println("bench: not every subscriber connected within 120 s");
        }
        return new SubscriberFleet(subscribers, () -> clients.forEach(client -> Blocking.await(client.close())),
                failed.get() + (int) done.getCount());
    }

    long received() {
        long sum = 0;
        for (SseSubscriber subscriber : subscribers) {
            sum += subscriber.received();
        }
        return sum;
    }

    @Override
    public void close() {
        closer.run();
    }
}
