package dev.tern.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * Tern's topic WebSockets as subscribers (no compression offered), checked like SSE subscribers: a socket counts
 * as connected at its first frame (the server sends a heartbeat first); an item frame's {@code value.text} goes
 * through the same payload, order and count checks.
 */
final class WebSocketSubscribers {
    private static final int CONNECTS_IN_FLIGHT = 256;
    private static final String TEXT = "\"text\":\"";

    private WebSocketSubscribers() {
    }

    static SubscriberFleet open(Vertx vertx, List<Context> loops, Target target, int count, IntUnaryOperator topicOf,
                                Measurement measurement) throws InterruptedException {
        List<WebSocketClient> clients = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(30_000)
                    .setMaxFrameSize(1 << 20).setMaxConnections(count + 1)));
        }
        List<SseSubscriber> subscribers = new ArrayList<>(count);
        Semaphore inFlight = new Semaphore(CONNECTS_IN_FLIGHT);
        CountDownLatch connected = new CountDownLatch(count);
        AtomicInteger failed = new AtomicInteger();
        for (int i = 0; i < count; i++) {
            SseSubscriber subscriber = new SseSubscriber(topicOf.applyAsInt(i), measurement);
            subscribers.add(subscriber);
            inFlight.acquire();
            WebSocketClient client = clients.get(i % loops.size());
            String host = target.subscriberHosts().get(i % target.subscriberHosts().size());
            WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host)
                    .setPort(target.subscriberPort()).setURI(target.topicPath(subscriber.topic));
            if (target.token() != null) {
                options.addHeader("Authorization", target.token());
            }
            loops.get(i % loops.size()).runOnContext(v -> client.connect(options).onComplete(ar -> {
                inFlight.release();
                if (ar.failed()) {
                    subscriber.failure = String.valueOf(ar.cause());
                    if (failed.getAndIncrement() == 0) {
                        System.err.println("bench: a WebSocket subscriber failed to connect: " + ar.cause());
                    }
                    connected.countDown();
                    return;
                }
                boolean[] heard = {false};
                ar.result().textMessageHandler(frame -> {
                    if (!heard[0]) {
                        heard[0] = true;
                        connected.countDown();
                    }
                    onFrame(subscriber, frame);
                });
                ar.result().closeHandler(c -> subscriber.ended = true);
            }));
        }
        if (!connected.await(120, TimeUnit.SECONDS)) {
            System.err.println("bench: not every WebSocket subscriber connected within 120 s");
        }
        return new SubscriberFleet(subscribers, () -> clients.forEach(client -> Blocking.await(client.close())),
                failed.get() + (int) connected.getCount());
    }

    /** {@code {"item":{...,"value":{"text":"<payload>"}...}}}: the payload has no characters JSON escapes. */
    private static void onFrame(SseSubscriber subscriber, String frame) {
        if (frame.startsWith("{\"item\"")) {
            int start = frame.indexOf(TEXT);
            int end = start < 0 ? -1 : frame.indexOf('"', start + TEXT.length());
            if (end < 0) {
                subscriber.onEvent("text", new byte[0], 0);
                return;
            }
            byte[] bytes = frame.substring(start + TEXT.length(), end).getBytes(StandardCharsets.US_ASCII);
            subscriber.onEvent("text", bytes, bytes.length);
        } else if (frame.startsWith("{\"discontinuity\"")) {
            subscriber.onEvent("discontinuity", new byte[0], 0);
        }
    }
}
