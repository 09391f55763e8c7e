package dev.tern.grpc;

import dev.tern.testing.RunningTern;
import grpc.cache_client.pubsub.PubsubGrpc;
import grpc.cache_client.pubsub._SubscriptionItem;
import grpc.cache_client.pubsub._SubscriptionRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gRPC subscriber that stops reading: Tern stops writing to it when HTTP/2 flow control fills its write queue,
 * keeps serving publishers, and when the subscriber reads again resumes it from where it stopped, through history,
 * with a discontinuity for what history no longer holds.
 */
class SlowSubscriberTest {
    private static final int HISTORY = 50;
    private static final int MESSAGES = 1_600; // well past the window and the 1 MiB a stream may hold
    private static final String PAYLOAD = "x".repeat(1000);

    private RunningTern tern;
    private ManagedChannel channel;

    @BeforeEach
    void start() {
        tern = RunningTern.start("--history-messages", Integer.toString(HISTORY));
        tern.createCache("slow");
        channel = NettyChannelBuilder.forAddress("127.0.0.1", tern.port()).usePlaintext()
                .initialFlowControlWindow(64 * 1024) // small and fixed, so the stall shows quickly
                .build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        tern.close();
    }

    @Test
    void aStalledSubscriberIsResumedFromHistoryWithADiscontinuity() throws Exception {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), tern.superUserKey());
        PubsubGrpc.PubsubStub stub = PubsubGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        StalledReader reader = new StalledReader();
        stub.subscribe(_SubscriptionRequest.newBuilder().setCacheName("slow").setTopic("firehose").build(), reader);
        await().atMost(Duration.ofSeconds(10)).until(() -> !reader.items.isEmpty());

        for (int i = 1; i <= MESSAGES; i++) {
            assertThat(tern.send("POST", "/topics/slow/firehose", "text/plain", i + ":" + PAYLOAD).statusCode())
                    .isEqualTo(204);
        }
        Thread.sleep(500);
        reader.readEverything();
        await().atMost(Duration.ofSeconds(20)).until(() -> lastSequence(reader.items) == MESSAGES);

        List<_SubscriptionItem> items = reader.items;
        assertThat(items.get(0).hasHeartbeat()).isTrue();
        long expected = 1;
        int discontinuities = 0;
        for (_SubscriptionItem item : items) {
            if (item.hasItem()) {
                assertThat(item.getItem().getTopicSequenceNumber()).as("contiguous except at a discontinuity").isEqualTo(expected);
                expected++;
            } else if (item.hasDiscontinuity()) {
                discontinuities++;
                assertThat(item.getDiscontinuity().getLastTopicSequence()).isEqualTo(expected - 1);
                assertThat(item.getDiscontinuity().getNewTopicSequence()).isEqualTo(MESSAGES - HISTORY + 1);
                expected = item.getDiscontinuity().getNewTopicSequence();
            }
        }
        assertThat(discontinuities).as("the stalled reader learns it missed messages").isEqualTo(1);
        assertThat(expected - 1).isEqualTo(MESSAGES);
        assertThat(tern.send("GET", "/metrics", null, null).body().lines()
                .filter(line -> line.startsWith("tern_subscriber_lags_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum()).as("the cut-off is counted").isPositive();
    }

    private static long lastSequence(List<_SubscriptionItem> items) {
        for (int i = items.size() - 1; i >= 0; i--) {
            if (items.get(i).hasItem()) {
                return items.get(i).getItem().getTopicSequenceNumber();
            }
        }
        return 0;
    }

    /** Takes one message, then reads nothing until told to, so HTTP/2 flow control holds the server back. */
    private static final class StalledReader implements ClientResponseObserver<_SubscriptionRequest, _SubscriptionItem> {
        final List<_SubscriptionItem> items = new CopyOnWriteArrayList<>();
        private ClientCallStreamObserver<_SubscriptionRequest> call;

        @Override
        public void beforeStart(ClientCallStreamObserver<_SubscriptionRequest> requestStream) {
            call = requestStream;
            requestStream.disableAutoRequestWithInitial(1);
        }

        void readEverything() {
            call.request(Integer.MAX_VALUE);
        }

        @Override
        public void onNext(_SubscriptionItem item) {
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
