package dev.tern.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The webhook workloads (Tern only): a keep-alive receiver on loopback in this process, webhooks created on the
 * server pointing at it, and publishes over HTTP.
 * <ul>
 *   <li>{@code throughput}: {@code webhooks} webhooks on one topic, publishes as fast as a few lanes are answered;
 *       deliveries/s counted at the receiver;</li>
 *   <li>{@code latency}: one webhook, publishes at {@code rate}/s; each body carries the publish time (this JVM's
 *       nanoTime), so publish-to-receiver latency is read at the receiver.</li>
 * </ul>
 */
final class WebhookLoad {
    private final Vertx vertx;
    private final Target server;
    private final HttpClientAgent client;
    private final AtomicLong received = new AtomicLong();
    private final List<Long> latencies = new ArrayList<>();
    private volatile boolean measuring;
    private HttpServer receiver;

    WebhookLoad(Vertx vertx, Target server) {
        this.vertx = vertx;
        this.server = server;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(16));
    }

    void throughput(ResultSink sink, int webhooks, long warmupMillis, long durationMillis) {
        String topic = "wh-throughput";
        int port = startReceiver(false);
        for (int i = 0; i < webhooks; i++) {
            putWebhook("throughput-" + i, topic, port);
        }
        sleep(2_000); // the webhooks' deliveries subscribe
        long[] stop = {0};
        // A bounded publisher: 4 lanes; each publish fans out into `webhooks` deliveries.
        for (int lane = 0; lane < 4; lane++) {
            publishLoop(topic, () -> stop[0] == 0, 0);
        }
        sleep(warmupMillis);
        long before = received.get();
        long started = System.nanoTime();
        sleep(durationMillis);
        long count = received.get() - before;
        double seconds = (System.nanoTime() - started) / 1e9;
        stop[0] = 1;
        sink.add("webhook deliveries/s", count / seconds, webhooks + " webhooks on one topic, receiver keep-alive");
    }

    void latency(ResultSink sink, double rate, long warmupMillis, long durationMillis) {
        String topic = "wh-latency";
        int port = startReceiver(true);
        putWebhook("latency", topic, port);
        sleep(2_000);
        long intervalNanos = (long) (1e9 / rate);
        long[] stop = {0};
        publishLoop(topic, () -> stop[0] == 0, intervalNanos);
        sleep(warmupMillis);
        synchronized (latencies) {
            latencies.clear();
        }
        measuring = true;
        sleep(durationMillis);
        measuring = false;
        stop[0] = 1;
        long[] sorted;
        synchronized (latencies) {
            sorted = latencies.stream().mapToLong(Long::longValue).toArray();
        }
        Arrays.sort(sorted);
        if (sorted.length == 0) {
            sink.add("webhook p50 ms", -1, "nothing delivered");
            return;
        }
        sink.add("webhook p50 ms", sorted[sorted.length / 2] / 1e6, sorted.length + " deliveries at " + rate + " publishes/s");
        sink.add("webhook p99 ms", sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6, null);
    }

    private int startReceiver(boolean timed) {
        receiver = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true))
                .requestHandler(request -> request.body().onSuccess(body -> {
                    received.incrementAndGet();
                    if (timed && measuring) {
                        long sent = Long.parseLong(new JsonObject(body).getString("text"));
                        synchronized (latencies) {
                            latencies.add(System.nanoTime() - sent);
                        }
                    }
                    request.response().setStatusCode(204).end();
                }));
        return Blocking.await(receiver.listen()).actualPort();
    }

    private void putWebhook(String name, String topic, int receiverPort) {
        Blocking.await(call(HttpMethod.PUT, "/caches/" + server.cache(), null).recover(ignored -> Future.succeededFuture(0)));
        int status = Blocking.await(call(HttpMethod.PUT, "/caches/" + server.cache() + "/webhooks/" + name,
                "{\"topic\":\"" + topic + "\",\"url\":\"http://127.0.0.1:" + receiverPort + "/hook\"}"));
        if (status != 200) {
            throw new IllegalStateException("creating webhook " + name + " answered " + status);
        }
    }

    private interface Condition {
        boolean holds();
    }

    /** Publishes one message at a time; with an interval, paced to it (the next publish starts on schedule). */
    private void publishLoop(String topic, Condition running, long intervalNanos) {
        long[] next = {System.nanoTime()};
        Runnable[] step = new Runnable[1];
        step[0] = () -> {
            if (!running.holds()) {
                return;
            }
            String text = Long.toString(System.nanoTime());
            call(HttpMethod.POST, "/topics/" + server.cache() + "/" + topic, text).onComplete(done -> {
                if (intervalNanos == 0) {
                    step[0].run();
                    return;
                }
                next[0] += intervalNanos;
                long waitMillis = Math.max(1, (next[0] - System.nanoTime()) / 1_000_000);
                vertx.setTimer(waitMillis, id -> step[0].run());
            });
        };
        vertx.runOnContext(v -> step[0].run());
    }

    private Future<Integer> call(HttpMethod method, String path, String body) {
        RequestOptions options = new RequestOptions().setMethod(method).setHost(server.host()).setPort(server.port())
                .setURI(path).putHeader("Authorization", server.token());
        if (body != null) {
            options.putHeader("Content-Type", path.startsWith("/topics/") ? "text/plain" : "application/json");
        }
        return client.request(options)
                .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
                .compose(response -> response.body().map(ignored -> response.statusCode()));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
