package dev.tern.bench;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The webhook workloads (Tern only): a keep-alive receiver on loopback in this process (one server per event loop,
 * sharing the port), webhooks created on the server pointing at it, and publishes over HTTP from a loop of their own.
 * <ul>
 *   <li>{@code throughput}: {@code webhooks} webhooks on one topic. Publishes are kept at most {@link #LEAD} messages
 *       ahead of the receiver per webhook (a closed loop), so what is measured is how fast the server delivers, not
 *       how it copes with a publisher that outruns it forever (then history overflows and deliveries turn into
 *       discontinuities); deliveries/s counted at the receiver;</li>
 *   <li>{@code latency}: one webhook, publishes at {@code rate}/s; each body carries the publish time (this JVM's
 *       nanoTime), so publish-to-receiver latency is read at the receiver;</li>
 *   <li>{@code large answers}: the receiver answers every request with a 10 MiB body; the server's resident memory is
 *       sampled while it delivers (it must read at most a few KiB of each answer).</li>
 * </ul>
 * Each row notes the failed attempts and discontinuities the server counted meanwhile (from {@code /metrics}).
 */
final class WebhookLoad {
    /** Messages each webhook may lag behind the publisher in the throughput workload; under the server's queue of 64. */
    static final int LEAD = 32;
    private static final int LARGE_ANSWER_BYTES = 10 * 1024 * 1024;
    /**
     * How long a management call (creating a cache or a webhook) may go unanswered before the run takes thread dumps
     * of both sides and tries once more: such a call is answered in milliseconds, and one full run saw one go
     * unanswered with nothing on record (docs/performance.md, round 8).
     */
    private static final long MANAGEMENT_TIMEOUT_SECONDS = 10;

    private final Vertx vertx;
    private final List<Context> receiverLoops;
    private final Context publisherLoop;
    private final Target server;
    private final List<Long> pids;
    private final HttpClientAgent client;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final List<Long> latencies = new ArrayList<>();
    /** The webhooks this row created, deleted when it ends ({@link #deleteWebhooks}). */
    private final List<String> created = new ArrayList<>();
    private volatile boolean measuring;

    WebhookLoad(Vertx vertx, List<Context> receiverLoops, Context publisherLoop, Target server, List<Long> pids) {
        this.vertx = vertx;
        this.receiverLoops = receiverLoops;
        this.publisherLoop = publisherLoop;
        this.server = server;
        this.pids = pids;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(16));
    }

    void throughput(ResultSink sink, int webhooks, long warmupMillis, long durationMillis) {
        String topic = "wh-throughput";
        int port = startReceiver(Answer.EMPTY);
        for (int i = 0; i < webhooks; i++) {
            putWebhook("throughput-" + i, topic, port);
        }
        Blocking.sleep(2_000); // the webhooks' deliveries subscribe
        boolean[] stop = {false};
        long window = (long) webhooks * LEAD;
        for (int lane = 0; lane < 4; lane++) {
            publishLoop(topic, () -> !stop[0], 0, () -> published.get() * webhooks - received.get() < window);
        }
        Blocking.sleep(warmupMillis);
        ServerCounters before = ServerCounters.read(server);
        List<Long> self = List.of(ProcessHandle.current().pid());
        double serverCpu = pids.isEmpty() ? 0 : ProcessCpu.seconds(pids);
        double ownCpu = ProcessCpu.seconds(self);
        long count = received.get();
        long started = System.nanoTime();
        Blocking.sleep(durationMillis);
        count = received.get() - count;
        double seconds = (System.nanoTime() - started) / 1e9;
        serverCpu = pids.isEmpty() ? 0 : ProcessCpu.seconds(pids) - serverCpu;
        ownCpu = ProcessCpu.seconds(self) - ownCpu;
        ServerCounters during = ServerCounters.read(server).minus(before);
        stop[0] = true;
        deleteWebhooks();
        sink.add("webhook deliveries/s", count / seconds, webhooks + " webhooks on one topic, receiver keep-alive, "
                + "publishes at most " + LEAD + " messages ahead; " + during);
        if (count > 0 && !pids.isEmpty()) {
            // CPU per delivery says what the machine could deliver when it is shared with other work (the cores
            // divided by what both sides spend per delivery), which deliveries/s alone cannot on a busy machine.
            sink.add("webhook server CPU us/delivery", serverCpu * 1e6 / count, String.format(Locale.ROOT,
                    "load generator (receiver and publisher) %.1f us/delivery", ownCpu * 1e6 / count));
        }
    }

    void latency(ResultSink sink, double rate, long warmupMillis, long durationMillis) {
        String topic = "wh-latency";
        int port = startReceiver(Answer.TIMED);
        putWebhook("latency", topic, port);
        Blocking.sleep(2_000);
        long intervalNanos = (long) (1e9 / rate);
        boolean[] stop = {false};
        publishLoop(topic, () -> !stop[0], intervalNanos, () -> true);
        Blocking.sleep(warmupMillis);
        synchronized (latencies) {
            latencies.clear();
        }
        ServerCounters before = ServerCounters.read(server);
        long publishedBefore = published.get();
        measuring = true;
        Blocking.sleep(durationMillis);
        measuring = false;
        long publishes = published.get() - publishedBefore;
        ServerCounters during = ServerCounters.read(server).minus(before);
        stop[0] = true;
        deleteWebhooks();
        long[] sorted;
        synchronized (latencies) {
            sorted = latencies.stream().mapToLong(Long::longValue).toArray();
        }
        Arrays.sort(sorted);
        if (sorted.length == 0) {
            sink.add("webhook p50 ms", -1, "nothing delivered");
            return;
        }
        sink.add("webhook p50 ms", sorted[sorted.length / 2] / 1e6, sorted.length + " deliveries of " + publishes
                + " publishes (" + rate + "/s asked); " + during);
        sink.add("webhook p99 ms", sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6, null);
        sink.add("webhook max ms", sorted[sorted.length - 1] / 1e6, null);
    }

    /** {@code webhooks} webhooks whose receiver answers 10 MiB bodies, {@code rate} publishes/s; server memory sampled. */
    void largeAnswers(ResultSink sink, int webhooks, double rate, long warmupMillis, long durationMillis) {
        if (pids.isEmpty()) {
            throw new IllegalArgumentException("webhook-large-answers measures the server's memory: give --pids");
        }
        String topic = "wh-large-answers";
        int port = startReceiver(Answer.LARGE);
        for (int i = 0; i < webhooks; i++) {
            putWebhook("large-" + i, topic, port);
        }
        Blocking.sleep(2_000);
        boolean[] stop = {false};
        publishLoop(topic, () -> !stop[0], (long) (1e9 / rate), () -> true);
        Blocking.sleep(warmupMillis);
        ServerCounters before = ServerCounters.read(server);
        long start = ProcessMemory.of(pids).rssKib;
        long count = received.get();
        long highest = start;
        long deadline = System.currentTimeMillis() + durationMillis;
        while (System.currentTimeMillis() < deadline) {
            Blocking.sleep(500);
            highest = Math.max(highest, ProcessMemory.of(pids).rssKib);
        }
        count = received.get() - count;
        long end = ProcessMemory.of(pids).rssKib;
        ServerCounters during = ServerCounters.read(server).minus(before);
        stop[0] = true;
        deleteWebhooks();
        String note = String.format(Locale.ROOT, "%d webhooks, %.0f publishes/s, each answered with a 10 MiB body; "
                + "%d deliveries; RSS %.1f MiB at the start, %.1f at the end", webhooks, rate, count, start / 1024.0,
                end / 1024.0);
        sink.add("server RSS max MiB", highest / 1024.0, note + "; " + during);
        sink.add("server RSS growth MiB", (end - start) / 1024.0, null);
    }

    private enum Answer { EMPTY, TIMED, LARGE }

    /**
     * One server per receiver loop, all on one port: instances of one deployment, which Vert.x lets share the port and
     * spreads the connections over.
     */
    private int startReceiver(Answer answer) {
        Buffer large = answer == Answer.LARGE ? Buffer.buffer(new byte[LARGE_ANSWER_BYTES]) : null;
        int port = freePort();
        Blocking.await(vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true))
                        .requestHandler(request -> receive(request, answer, large))
                        .listen();
            }
        }, new DeploymentOptions().setInstances(receiverLoops.size())));
        return port;
    }

    private static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void receive(HttpServerRequest request, Answer answer, Buffer large) {
        request.body().onSuccess(body -> {
            received.incrementAndGet();
            if (answer == Answer.TIMED && measuring) {
                long sent = Long.parseLong(new JsonObject(body).getString("text"));
                synchronized (latencies) {
                    latencies.add(System.nanoTime() - sent);
                }
            }
            if (answer == Answer.LARGE) {
                request.response().setStatusCode(200).end(large);
            } else {
                request.response().setStatusCode(204).end();
            }
        });
    }

    private void putWebhook(String name, String topic, int receiverPort) {
        manage(HttpMethod.PUT, "/caches/" + server.cache(), null); // created, or there already: either will do
        int status = manage(HttpMethod.PUT, "/caches/" + server.cache() + "/webhooks/" + name,
                "{\"topic\":\"" + topic + "\",\"url\":\"http://127.0.0.1:" + receiverPort + "/hook\"}");
        if (status != 200) {
            throw new IllegalStateException("creating webhook " + name + " answered " + status);
        }
        created.add(name);
    }

    /**
     * Deletes the row's webhooks once it is measured. Left in place, their receiver gone with this process, they would
     * be retried with backoff through the next rows and counted among those rows' failed attempts.
     */
    private void deleteWebhooks() {
        for (String name : created) {
            int status = manage(HttpMethod.DELETE, "/caches/" + server.cache() + "/webhooks/" + name, null);
            if (status != 204) {
                System.err.println("bench: deleting webhook " + name + " answered " + status);
            }
        }
        created.clear();
    }

    /** A management call's status; unanswered within the deadline, thread dumps are taken and it is sent once more. */
    private int manage(HttpMethod method, String path, String body) {
        try {
            return Blocking.await(call(method, path, body).timeout(MANAGEMENT_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (IllegalStateException e) {
            if (!(e.getCause() instanceof TimeoutException)) {
                throw e;
            }
            String what = method + " " + path + " had no answer within " + MANAGEMENT_TIMEOUT_SECONDS + " s";
            System.err.println("bench: " + what + "; thread dumps in " + ThreadDumps.write(what, pids)
                    + "; sending it once more");
            return Blocking.await(call(method, path, body).timeout(MANAGEMENT_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
    }

    private interface Condition {
        boolean holds();
    }

    /**
     * Publishes one message at a time on the publisher loop; with an interval, paced to it (the next publish starts on
     * schedule); otherwise as soon as {@code mayPublish} holds (checked again every millisecond while it does not).
     */
    private void publishLoop(String topic, Condition running, long intervalNanos, Condition mayPublish) {
        long[] next = {System.nanoTime()};
        Runnable[] step = new Runnable[1];
        step[0] = () -> {
            if (!running.holds()) {
                return;
            }
            if (!mayPublish.holds()) {
                vertx.setTimer(1, id -> step[0].run());
                return;
            }
            published.incrementAndGet();
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
        publisherLoop.runOnContext(v -> step[0].run());
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
}
