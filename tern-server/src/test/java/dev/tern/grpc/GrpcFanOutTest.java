package dev.tern.grpc;

import dev.tern.testing.RunningTern;
import grpc.cache_client.pubsub.PubsubGrpc;
import grpc.cache_client.pubsub._PublishRequest;
import grpc.cache_client.pubsub._SubscriptionItem;
import grpc.cache_client.pubsub._SubscriptionRequest;
import grpc.cache_client.pubsub._TopicValue;
import grpc.common._Empty;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Subscribe fan-out over gRPC as the SDKs use it (many streams multiplexed on a connection): every stream gets
 * every message once, in order, with the same sequence numbers; streams that stop reading lag on their own, without
 * holding back the streams that keep up.
 */
class GrpcFanOutTest {
    private RunningTern tern;
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (tern != null) {
            tern.close();
        }
    }

    @Test
    void twoHundredStreamsEachReceiveTenThousandMessagesInOrder() throws Exception {
        int subscribers = Integer.getInteger("fanout.subscribers", 200);
        int messages = Integer.getInteger("fanout.messages", 10_000);
        // History holds every message, so a stream that falls behind for a moment resumes without a gap: the test
        // checks that nothing is lost, duplicated or reordered on the way, not the slow-subscriber policy.
        tern = RunningTern.start("--history-messages", Integer.toString(messages), "--history-bytes", "4194304");
        tern.createCache("fan");
        ManagedChannel shared = channel(1024 * 1024);
        ManagedChannel second = channel(1024 * 1024);
        List<Reader> readers = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            Reader reader = new Reader(false, false);
            // Streams multiplexed about a hundred per connection, as the SDKs do.
            subscribe(i < 100 ? shared : second, "fan", "many", reader);
            readers.add(reader);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> readers.stream().allMatch(r -> !r.items.isEmpty()));

        // Publishing gets a connection of its own: Tern allows 100 concurrent streams per connection, like Momento.
        publish(channel(1024 * 1024), "fan", "many", messages, 10);

        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .until(() -> readers.stream().allMatch(r -> r.itemCount() >= messages || r.failure.get() != null));
        for (Reader reader : readers) {
            assertThat(reader.failure.get()).isNull();
            assertThat(reader.wrongPayloads).as("each item carries the message published with its number").isZero();
            assertThat(reader.discontinuities).as("no discontinuity").isZero();
            assertThat(reader.itemCount()).isEqualTo(messages);
            for (int i = 0; i < messages; i++) {
                assertThat(reader.sequences[i]).as("sequence numbers 1..N on every stream").isEqualTo(i + 1L);
            }
        }
    }

    @Test
    void stalledStreamsLagWhileTheOthersKeepUp() throws Exception {
        int history = 50;
        int messages = 1000;
        tern = RunningTern.start("--history-messages", Integer.toString(history));
        tern.createCache("mixed");
        ManagedChannel healthyConnection = channel(1024 * 1024);
        // A small, fixed window, so that a stalled stream's server side fills up quickly. HTTP/2 connection windows
        // are shared, so the stalled streams get a connection of their own: they hold its window.
        ManagedChannel stalledConnection = channel(64 * 1024);
        List<Reader> healthy = new ArrayList<>();
        List<Reader> stalled = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Reader reader = new Reader(false);
            subscribe(healthyConnection, "mixed", "firehose", reader);
            healthy.add(reader);
        }
        for (int i = 0; i < 3; i++) {
            Reader reader = new Reader(true);
            subscribe(stalledConnection, "mixed", "firehose", reader);
            stalled.add(reader);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> healthy.stream().allMatch(r -> !r.items.isEmpty())
                && stalled.stream().allMatch(r -> !r.items.isEmpty()));

        publish(channel(1024 * 1024), "mixed", "firehose", messages, 2000);

        // The healthy streams get everything while the stalled ones still read nothing.
        await().atMost(Duration.ofSeconds(60)).until(() -> healthy.stream().allMatch(r -> r.itemCount() == messages));
        for (Reader reader : healthy) {
            assertContiguous(reader, 1, messages);
        }
        assertThat(stalled.stream().mapToInt(Reader::itemCount).sum()).as("the stalled streams read nothing yet").isZero();

        for (Reader reader : stalled) {
            reader.readEverything();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> stalled.stream().allMatch(r -> r.lastSequence() == messages));
        for (Reader reader : stalled) {
            long expected = 1;
            int discontinuities = 0;
            for (_SubscriptionItem item : reader.items) {
                if (item.hasItem()) {
                    assertThat(item.getItem().getTopicSequenceNumber()).isEqualTo(expected);
                    expected++;
                } else if (item.hasDiscontinuity()) {
                    discontinuities++;
                    assertThat(item.getDiscontinuity().getLastTopicSequence()).isEqualTo(expected - 1);
                    expected = item.getDiscontinuity().getNewTopicSequence();
                }
            }
            assertThat(discontinuities).as("a stalled stream learns it missed messages, once").isEqualTo(1);
            assertThat(expected - 1).isEqualTo(messages);
        }
    }

    private ManagedChannel channel(int window) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", tern.port()).usePlaintext()
                .initialFlowControlWindow(window).flowControlWindow(window).build();
        channels.add(channel);
        return channel;
    }

    private ClientInterceptor authorization() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), tern.superUserKey());
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    private void subscribe(ManagedChannel channel, String cache, String topic, Reader reader) {
        PubsubGrpc.newStub(channel).withInterceptors(authorization())
                .subscribe(_SubscriptionRequest.newBuilder().setCacheName(cache).setTopic(topic).build(), reader);
    }

    /** Publishes {@code count} messages through gRPC, a few in flight at a time, and waits for every answer. */
    private void publish(ManagedChannel channel, String cache, String topic, int count, int size) throws Exception {
        PubsubGrpc.PubsubStub stub = PubsubGrpc.newStub(channel).withInterceptors(authorization());
        Semaphore inFlight = new Semaphore(1); // one at a time keeps the order the sequence numbers check
        AtomicReference<Throwable> failed = new AtomicReference<>();
        for (int i = 1; i <= count; i++) {
            if (!inFlight.tryAcquire(20, TimeUnit.SECONDS)) {
                throw new AssertionError("no answer to publish " + (i - 1) + " within 20 s");
            }
            stub.publish(_PublishRequest.newBuilder().setCacheName(cache).setTopic(topic)
                    .setValue(_TopicValue.newBuilder().setText(payload(i, size))).build(), new StreamObserver<>() {
                @Override
                public void onNext(_Empty value) {
                }

                @Override
                public void onError(Throwable t) {
                    failed.set(t);
                    inFlight.release();
                }

                @Override
                public void onCompleted() {
                    inFlight.release();
                }
            });
        }
        inFlight.acquire();
        assertThat(failed.get()).isNull();
    }

    private static String payload(int index, int size) {
        String number = Integer.toString(index);
        return number + ":" + "x".repeat(Math.max(0, size - number.length() - 1));
    }

    private static void assertContiguous(Reader reader, long first, long last) {
        long expected = first;
        for (_SubscriptionItem item : reader.items) {
            assertThat(item.hasDiscontinuity()).isFalse();
            if (item.hasItem()) {
                assertThat(item.getItem().getTopicSequenceNumber()).isEqualTo(expected);
                expected++;
            }
        }
        assertThat(expected - 1).isEqualTo(last);
    }

    /** A Subscribe stream's items; a stalled one takes the first message (the heartbeat) and then reads nothing. */
    private static final class Reader implements ClientResponseObserver<_SubscriptionRequest, _SubscriptionItem> {
        final List<_SubscriptionItem> items = new CopyOnWriteArrayList<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final boolean stalled;
        private volatile int itemCount;
        private ClientCallStreamObserver<_SubscriptionRequest> call;

        /** Only the sequence numbers are kept when {@code keepItems} is false (200 x 10,000 items are a lot). */
        private final boolean keepItems;
        long[] sequences = new long[1024];
        int wrongPayloads;
        int discontinuities;

        Reader(boolean stalled) {
            this(stalled, true);
        }

        Reader(boolean stalled, boolean keepItems) {
            this.stalled = stalled;
            this.keepItems = keepItems;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<_SubscriptionRequest> requestStream) {
            call = requestStream;
            if (stalled) {
                requestStream.disableAutoRequestWithInitial(1);
            }
        }

        void readEverything() {
            call.request(Integer.MAX_VALUE);
        }

        int itemCount() {
            return itemCount;
        }

        long lastSequence() {
            for (int i = items.size() - 1; i >= 0; i--) {
                if (items.get(i).hasItem()) {
                    return items.get(i).getItem().getTopicSequenceNumber();
                }
            }
            return 0;
        }

        @Override
        public void onNext(_SubscriptionItem item) {
            if (keepItems || items.isEmpty()) {
                items.add(item);
            }
            if (item.hasDiscontinuity()) {
                discontinuities++;
            }
            if (item.hasItem()) {
                if (itemCount == sequences.length) {
                    sequences = Arrays.copyOf(sequences, itemCount * 2);
                }
                sequences[itemCount] = item.getItem().getTopicSequenceNumber();
                if (!item.getItem().getValue().getText().startsWith(item.getItem().getTopicSequenceNumber() + ":")) {
                    wrongPayloads++;
                }
                itemCount++;
            }
        }

        @Override
        public void onError(Throwable t) {
            failure.set(t);
        }

        @Override
        public void onCompleted() {
        }
    }
}
