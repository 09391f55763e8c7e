package dev.tern.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients that follow several topics each on one Tern multi-topic stream ({@code GET /caches/{cache}/events?topic=..}),
 * client {@code c} of {@code k} topics following topics {@code c*k .. c*k+k-1}. Each topic of a connection is checked
 * by an {@link SseSubscriber} of its own (payload, lane order, count), so {@link DeliveryCheck} and
 * {@link DeliveryWindow} treat a topic on a shared connection exactly like a topic on a connection of its own.
 */
final class MultiTopicSubscribers {
    private static final int CONNECTS_IN_FLIGHT = 256;

    private MultiTopicSubscribers() {
    }

    static SubscriberFleet open(Vertx vertx, List<Context> loops, Target target, int clients, int topicsPerClient,
                                Measurement measurement) throws InterruptedException {
        List<NetClient> netClients = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            netClients.add(vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(30_000)));
        }
        List<SseSubscriber> topics = new ArrayList<>(clients * topicsPerClient);
        Semaphore inFlight = new Semaphore(CONNECTS_IN_FLIGHT);
        CountDownLatch done = new CountDownLatch(clients);
        AtomicInteger failed = new AtomicInteger();
        for (int c = 0; c < clients; c++) {
            Connection connection = new Connection(c * topicsPerClient, topicsPerClient, measurement);
            topics.addAll(List.of(connection.topics));
            inFlight.acquire();
            NetClient client = netClients.get(c % loops.size());
            String host = target.subscriberHosts().get(c % target.subscriberHosts().size());
            loops.get(c % loops.size()).runOnContext(v -> connection.connect(client, target, host).onComplete(ar -> {
                if (ar.failed() && failed.getAndIncrement() == 0) {
                    System.err.println("bench: a multi-topic subscriber failed to connect: " + ar.cause());
                }
                inFlight.release();
                done.countDown();
            }));
        }
        if (!done.await(120, TimeUnit.SECONDS)) {
            System.err.println("bench: not every multi-topic subscriber connected within 120 s");
        }
        return new SubscriberFleet(topics, () -> netClients.forEach(client -> Blocking.await(client.close())),
                failed.get() + (int) done.getCount());
    }

    /**
     * One connection carrying topics {@code first .. first+count-1}. Its events are {@code {"topic":"t<n>","item":
     * {..."value":{"text":"<payload>"}...}}} (or {@code "discontinuity"}, {@code "error"}, and {@code {"end":..}});
     * the payload has no character JSON escapes, so it is checked in place, from the received bytes.
     */
    private static final class Connection implements SseParser.Listener {
        private static final byte[] TOPIC = "{\"topic\":\"t".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] ITEM = "\",\"item\":".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] DISCONTINUITY = "\",\"discontinuity\":".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] TEXT = "\"text\":\"".getBytes(StandardCharsets.US_ASCII);
        private static final AtomicInteger ERRORS_REPORTED = new AtomicInteger();

        final int first;
        final SseSubscriber[] topics;
        private final SseParser parser = new SseParser(this);
        private NetSocket socket;

        Connection(int first, int count, Measurement measurement) {
            this.first = first;
            this.topics = new SseSubscriber[count];
            for (int i = 0; i < count; i++) {
                topics[i] = new SseSubscriber(first + i, measurement);
            }
        }

        /** Completes once the response head (200) arrived; fails on any other status or a connection error. */
        Future<Void> connect(NetClient client, Target target, String host) {
            Promise<Void> connected = Promise.promise();
            int[] names = new int[topics.length];
            for (int i = 0; i < names.length; i++) {
                names[i] = first + i;
            }
            SseStreamReader reader = new SseStreamReader(parser, status -> {
                if (status == 200) {
                    connected.tryComplete();
                } else {
                    fail("HTTP " + status);
                    connected.tryFail("HTTP " + status);
                    socket.close();
                }
            });
            client.connect(target.subscriberPort(), host).onComplete(ar -> {
                if (ar.failed()) {
                    fail(String.valueOf(ar.cause()));
                    connected.tryFail(ar.cause());
                    return;
                }
                socket = ar.result();
                for (SseSubscriber topic : topics) {
                    topic.readFrom(socket);
                }
                socket.handler(bytes -> {
                    try {
                        reader.feed(bytes.getBytes());
                    } catch (RuntimeException e) {
                        fail(String.valueOf(e));
                        socket.close();
                    }
                    if (reader.done()) {
                        ended();
                    }
                });
                socket.closeHandler(v -> {
                    ended();
                    connected.tryFail("connection closed");
                });
                socket.write(Buffer.buffer(SseStreamReader.request(target, host, target.eventsPath(names))));
            });
            return connected.future();
        }

        @Override
        public void onEvent(String event, byte[] data, int length) {
            if (!startsWith(data, 0, length, TOPIC)) {
                if (startsWith(data, 0, length, "{\"end\"".getBytes(StandardCharsets.US_ASCII))) {
                    ended(); // the server ended the stream (cache deleted, shutdown)
                }
                return;
            }
            int at = TOPIC.length;
            int name = 0;
            while (at < length && data[at] >= '0' && data[at] <= '9') {
                name = name * 10 + (data[at++] - '0');
            }
            int index = name - first;
            if (index < 0 || index >= topics.length) {
                return; // not a topic of this connection: never counted, so the count check fails
            }
            SseSubscriber topic = topics[index];
            if (startsWith(data, at, length, ITEM)) {
                int text = indexOf(data, at, length, TEXT);
                int start = text < 0 ? length : text + TEXT.length;
                int end = start + Payload.SIZE;
                topic.onPayload(data, start, end < length && data[end] == '"' ? Payload.SIZE : 0);
            } else if (startsWith(data, at, length, DISCONTINUITY)) {
                topic.onEvent("discontinuity", data, 0);
            } else {
                // An error for this topic: it is not followed any more.
                topic.failure = new String(data, 0, length, StandardCharsets.UTF_8);
                topic.ended = true;
                if (ERRORS_REPORTED.getAndIncrement() == 0) {
                    System.err.println("bench: a topic failed on a multi-topic stream: " + topic.failure);
                }
            }
        }

        private void fail(String why) {
            for (SseSubscriber topic : topics) {
                topic.failure = why;
            }
        }

        private void ended() {
            for (SseSubscriber topic : topics) {
                topic.ended = true;
            }
        }

        private static boolean startsWith(byte[] data, int at, int length, byte[] prefix) {
            if (length - at < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (data[at + i] != prefix[i]) {
                    return false;
                }
            }
            return true;
        }

        private static int indexOf(byte[] data, int from, int length, byte[] wanted) {
            for (int i = from; i + wanted.length <= length; i++) {
                if (startsWith(data, i, length, wanted)) {
                    return i;
                }
            }
            return -1;
        }
    }
}
