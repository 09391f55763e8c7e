package dev.tern.topic;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded engine under publishers racing on many threads: every live subscriber receives every sequence number
 * once, in order, whatever order the publishing threads finish in.
 */
class InMemoryTopicEngineOrderTest {
    private static final int PUBLISHERS = 6;
    private static final int PER_PUBLISHER = 3000;
    private static final int TOTAL = PUBLISHERS * PER_PUBLISHER;
    private static final TopicKey TOPIC = new TopicKey("c", "t");

    private Vertx vertx;
    private InMemoryTopicEngine engine;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        engine = new InMemoryTopicEngine(vertx, new TopicSettings(100, 1 << 20, Duration.ofMinutes(1)));
    }

    @AfterEach
    void stop() throws Exception {
        engine.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @RepeatedTest(3)
    void liveSubscribersOnSeveralEventLoopsSeeEverySequenceOnceAndInOrder() throws Exception {
        List<List<Long>> received = new ArrayList<>();
        List<CompletableFuture<Void>> complete = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            List<Long> sequences = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Void> done = new CompletableFuture<>();
            received.add(sequences);
            complete.add(done);
            Context context = vertx.getOrCreateContext();
            CompletableFuture<Void> subscribed = new CompletableFuture<>();
            context.runOnContext(v -> {
                engine.subscribe(TOPIC, StartPosition.LIVE, new SubscriptionListener() {
                    @Override
                    public void onEvent(SubscriptionEvent event) {
                        if (event instanceof TopicItem item) {
                            sequences.add(item.sequenceNumber());
                            if (sequences.size() == TOTAL) {
                                done.complete(null);
                            }
                        } else {
                            done.completeExceptionally(new AssertionError("unexpected " + event));
                        }
                    }

                    @Override
                    public void onEnd(SubscriptionEnd reason) {
                        done.completeExceptionally(new AssertionError("ended: " + reason));
                    }
                });
                subscribed.complete(null);
            });
            subscribed.get(5, TimeUnit.SECONDS);
        }

        CountDownLatch go = new CountDownLatch(1);
        List<Thread> publishers = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            Thread publisher = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < PER_PUBLISHER; i++) {
                    engine.publish(TOPIC, TopicValue.text("x"), null);
                }
            });
            publisher.start();
            publishers.add(publisher);
        }
        go.countDown();
        for (Thread publisher : publishers) {
            publisher.join();
        }

        List<Long> expected = LongStream.rangeClosed(1, TOTAL).boxed().toList();
        for (int s = 0; s < received.size(); s++) {
            int subscriber = s;
            vertx.setTimer(5000, id -> complete.get(subscriber).complete(null));
            complete.get(s).get(10, TimeUnit.SECONDS);
            assertThat(List.copyOf(received.get(s))).as("subscriber " + s).isEqualTo(expected);
        }
    }
}
