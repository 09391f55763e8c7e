package dev.tern.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

import java.util.Arrays;

/**
 * One EventSource connection. Checks what it receives: every message is a benchmark payload for its topic, and each
 * publisher lane's messages arrive in the order that lane sent them (a lane sends one message at a time, so the
 * server must keep that order). Counts are compared with the publishers' by {@link DeliveryCheck}.
 * All mutation happens on the connection's event loop.
 */
final class SseSubscriber implements SseParser.Listener {
    final int topic;
    private final Measurement measurement;
    private final SseParser parser = new SseParser(this);
    private long[] lastLaneSequence = new long[0];
    private volatile long received;
    long outOfOrder;
    long foreign;
    long discontinuities;
    /** A digest of the arrival order; subscribers of one topic must agree on it. */
    long orderDigest = 17;
    volatile boolean ended;
    volatile String failure;
    private NetSocket socket;
    private final LatencyTrace.Row trace;

    SseSubscriber(int topic, Measurement measurement) {
        this.topic = topic;
        this.measurement = measurement;
        this.trace = measurement.trace == null ? null : measurement.trace.row();
    }

    /** Completes once the response head (200) arrived; fails on any other status or a connection error. */
    Future<Void> connect(NetClient client, Target target, String host) {
        Promise<Void> connected = Promise.promise();
        SseStreamReader reader = new SseStreamReader(parser, status -> {
            if (status == 200) {
                connected.tryComplete();
            } else {
                failure = "HTTP " + status;
                connected.tryFail(failure);
                socket.close();
            }
        });
        client.connect(target.subscriberPort(), host).onComplete(ar -> {
            if (ar.failed()) {
                failure = String.valueOf(ar.cause());
                connected.tryFail(ar.cause());
                return;
            }
            socket = ar.result();
            socket.handler(bytes -> {
                try {
                    reader.feed(bytes.getBytes());
                } catch (RuntimeException e) {
                    failure = String.valueOf(e);
                    socket.close();
                }
                if (reader.done()) {
                    ended = true;
                }
            });
            socket.closeHandler(v -> {
                ended = true;
                connected.tryFail("connection closed");
            });
            socket.write(Buffer.buffer(SseStreamReader.request(target, host, topic)));
        });
        return connected.future();
    }

    long received() {
        return received;
    }

    @Override
    public void onEvent(String event, byte[] data, int length) {
        if ("discontinuity".equals(event)) {
            discontinuities++;
            return;
        }
        onPayload(data, 0, length);
    }

    /** A message's value, {@code data[offset, offset+length)}: checked and counted (also for a shared connection). */
    void onPayload(byte[] data, int offset, int length) {
        long now = BenchClock.nanos();
        Payload payload = Payload.decode(data, offset, length);
        if (payload == null || payload.topic != topic) {
            foreign++;
            return;
        }
        if (payload.lane >= lastLaneSequence.length) {
            lastLaneSequence = Arrays.copyOf(lastLaneSequence, payload.lane + 1);
        }
        if (payload.laneSequence <= lastLaneSequence[payload.lane]) {
            outOfOrder++;
        }
        lastLaneSequence[payload.lane] = payload.laneSequence;
        orderDigest = orderDigest * 1_000_003L + ((long) payload.lane << 40 | payload.laneSequence);
        received++;
        measurement.delivered(payload.sentNanos, now);
        if (trace != null) {
            trace.record(payload.sentNanos, now, socket != null ? socket : this);
        }
    }

    /** A shared connection carries this topic: {@link #pause()} pauses it. */
    void readFrom(NetSocket shared) {
        socket = shared;
    }

    /** Stops reading; the connection is closed with its client. */
    void pause() {
        if (socket != null) {
            socket.pause();
        }
    }
}
