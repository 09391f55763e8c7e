package dev.tern.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Publishes over keep-alive connections in lanes: a lane owns one connection, sends one request, waits for the
 * answer, sends the next (like wrk, no pipelining), so the server must deliver each lane's messages in order. At max
 * rate every lane sends back to back; at a fixed rate lane {@code i} sends messages {@code i, i+L, i+2L...} at their
 * scheduled times and, when it falls behind, stamps the scheduled time (waiting for the server counts as latency).
 * Requests are pre-encoded bytes on a raw TCP connection, so the load generator spends little CPU per publish.
 */
final class Publisher implements PublishLanes {
    private final Target target;
    private final int topics;
    private final Measurement measurement;
    private final List<Context> loops;
    private final List<NetClient> clients = new ArrayList<>();
    private final byte[][] requestHeads;
    private final AtomicLongArray okByTopic;
    private volatile boolean stopped;
    private volatile BooleanSupplier mayPublish = () -> true;

    Publisher(Vertx vertx, List<Context> loops, Target target, int topics, Measurement measurement) {
        this.target = target;
        this.topics = topics;
        this.measurement = measurement;
        this.loops = loops;
        for (int i = 0; i < loops.size(); i++) {
            clients.add(vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(10_000)));
        }
        this.requestHeads = new byte[topics][];
        for (int t = 0; t < topics; t++) {
            requestHeads[t] = requestHead(t);
        }
        this.okByTopic = new AtomicLongArray(topics);
    }

    private byte[] requestHead(int topic) {
        StringBuilder head = new StringBuilder()
                .append("POST ").append(target.topicPath(topic)).append(" HTTP/1.1\r\n")
                .append("Host: ").append(target.host()).append(':').append(target.port()).append("\r\n")
                .append("Content-Type: text/plain\r\n");
        if (target.token() != null && !target.token().isEmpty()) {
            head.append("Authorization: ").append(target.token()).append("\r\n");
        }
        head.append("Content-Length: ").append(Payload.SIZE).append("\r\n\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Runs {@code lanes} lanes spread over the event loops until {@link #stop()}. */
    @Override
    public CountDownLatch start(int lanes, double ratePerSecond) {
        CountDownLatch finished = new CountDownLatch(lanes);
        long origin = BenchClock.nanos();
        for (int i = 0; i < lanes; i++) {
            Lane lane = new Lane(i, lanes, ratePerSecond, origin, finished, loops.get(i % loops.size()),
                    clients.get(i % loops.size()));
            lane.context.runOnContext(v -> lane.next());
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
        clients.forEach(client -> Blocking.await(client.close()));
    }

    private final class Lane {
        final int id;
        final LaneSchedule schedule;
        /** Made once: the lane passes them to its schedule for every message. */
        final LongConsumer sendAt = this::send;
        final Runnable retry = this::next;
        final CountDownLatch finished;
        final Context context;
        final NetClient client;
        NetSocket socket;
        HttpResponseReader reader;
        long sequence;
        int pendingTopic = -1;
        long pendingStamp;

        Lane(int id, int laneCount, double rate, long origin, CountDownLatch finished, Context context,
             NetClient client) {
            this.id = id;
            this.schedule = new LaneSchedule(id, laneCount, rate, origin);
            this.finished = finished;
            this.context = context;
            this.client = client;
        }

        void next() {
            if (stopped) {
                if (socket != null) {
                    socket.close();
                }
                finished.countDown();
                return;
            }
            schedule.next(context, mayPublish, sendAt, retry);
        }

        private void send(long stamp) {
            if (socket == null) {
                client.connect(target.port(), target.host()).onComplete(ar -> {
                    if (ar.failed()) {
                        complete(0, stamp, -1, ar.cause());
                        return;
                    }
                    socket = ar.result();
                    reader = new HttpResponseReader();
                    socket.handler(this::onBytes);
                    socket.closeHandler(v -> onClosed());
                    send(stamp);
                });
                return;
            }
            int topic = topics == 1 ? 0 : ThreadLocalRandom.current().nextInt(topics);
            byte[] head = requestHeads[topic];
            Buffer request = Buffer.buffer(head.length + Payload.SIZE)
                    .appendBytes(head)
                    .appendBytes(new Payload(id, ++sequence, stamp, topic).encode());
            pendingTopic = topic;
            pendingStamp = stamp;
            socket.write(request);
        }

        private void onBytes(Buffer bytes) {
            int status;
            try {
                status = reader.feed(bytes);
            } catch (RuntimeException e) {
                socket.close();
                return;
            }
            if (status != 0 && pendingTopic >= 0) {
                int topic = pendingTopic;
                pendingTopic = -1;
                if (reader.closeAfter()) {
                    socket.close();
                    socket = null;
                }
                complete(status, pendingStamp, topic, null);
            }
        }

        private void onClosed() {
            socket = null;
            if (pendingTopic >= 0) {
                pendingTopic = -1;
                complete(0, pendingStamp, -1, new IllegalStateException("connection closed before the answer"));
            }
        }

        private void complete(int status, long stamp, int topic, Throwable error) {
            boolean ok = status / 100 == 2;
            if (ok) {
                okByTopic.incrementAndGet(topic);
            } else if (measurement.failedPublishes.sum() == 0) {
                System.err.println("bench: publish to " + target.name() + " failed: "
                        + (error == null ? "HTTP " + status : error));
            }
            measurement.published(ok, stamp);
            if (ok) {
                next();
            } else {
                context.owner().setTimer(10, t -> next()); // do not spin on a failing server
            }
        }
    }

    static void awaitLanes(CountDownLatch finished) {
        try {
            if (!finished.await(60, TimeUnit.SECONDS)) {
                System.err.println("bench: some publishes did not complete within 60 s after the stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
