package dev.tern.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** The benchmark workloads, each run against one target; results go to the sink. */
final class Workloads {
    private static final long SUBSCRIBERS_SETTLE_MILLIS = 1_000;
    private static final long DRAIN_MAX_MILLIS = 60_000;
    /** Messages a subscriber may be behind before publishers wait: half of both servers' history of 1,000. */
    private static final long DELIVERY_WINDOW = 500;

    private final Vertx vertx;
    private final List<Context> loops;
    private final List<Context> publisherLoops;
    private final Target target;
    private final int streamsPerConnection;
    /** The gRPC publishers' client: {@code frames} ({@link GrpcFramePublisher}) or {@code grpc-java}. */
    private final String grpcPublisher;
    /** The gRPC subscribers' client: {@code frames} ({@link GrpcFrameSubscribers}) or {@code grpc-java}. */
    private final String grpcSubscriber;
    /** The server's GC log, or null. */
    private final Path gcLog;
    /** Where to write a {@link LatencyTrace}, or null. */
    private final Path latencyTrace;

    Workloads(Vertx vertx, List<Context> loops, List<Context> publisherLoops, Target target, int streamsPerConnection,
              String grpcPublisher, String grpcSubscriber, Path gcLog, Path latencyTrace) {
        this.vertx = vertx;
        this.loops = loops;
        this.publisherLoops = publisherLoops;
        this.target = target;
        this.streamsPerConnection = streamsPerConnection;
        this.grpcPublisher = grpcPublisher;
        this.grpcSubscriber = grpcSubscriber;
        this.gcLog = gcLog;
        this.latencyTrace = latencyTrace;
    }

    private Measurement newMeasurement() {
        return new Measurement(latencyTrace == null ? null : new LatencyTrace());
    }

    /**
     * Publishing with {@code lanes} connections to {@code topics} topics (random spread) while {@code subscribers}
     * SSE subscribers listen (subscriber {@code i} on topic {@code i % topics}). Rate {@code <= 0}: as fast as the
     * server answers.
     */
    void publishLoad(ResultSink sink, String transport, int lanes, int topics, int subscribers, double rate,
                     long warmupMillis, long durationMillis, List<String> metrics, List<Long> serverPids)
            throws InterruptedException {
        Measurement measurement = newMeasurement();
        boolean grpc = transport.equals("grpc");
        SubscriberFleet fleet = subscribers <= 0 ? null
                : transport.equals("websocket")
                ? WebSocketSubscribers.open(vertx, loops, target, subscribers, i -> i % topics, measurement)
                : grpc && grpcSubscriber.equals("grpc-java")
                ? GrpcSubscribers.open(target, subscribers, streamsPerConnection, i -> i % topics, measurement)
                : grpc ? GrpcFrameSubscribers.open(vertx, loops, target, subscribers, streamsPerConnection,
                        i -> i % topics, measurement)
                : SubscriberFleet.open(vertx, loops, target, subscribers, i -> i % topics, measurement);
        if (fleet != null) {
            System.out.printf("  %s: %d subscribers connected (%d failed)%n", target.name(),
                    subscribers - fleet.failedToConnect, fleet.failedToConnect);
            Blocking.sleep(SUBSCRIBERS_SETTLE_MILLIS);
        }
        measureLoad(sink, measurement, fleet, grpc, lanes, topics, rate, warmupMillis, durationMillis, metrics,
                serverPids);
    }

    /**
     * Tern only: {@code clients} clients following {@code topicsPerClient} topics each (client {@code c}: topics
     * {@code c*k .. c*k+k-1}, one subscriber per topic), on one multi-topic SSE connection per client or, with
     * {@code connectionPerTopic}, one SSE connection per topic. Reports the server's resident memory per subscription
     * (the RSS delta from before the clients connected to 3 s after), then publishes with {@code lanes} connections
     * to random topics among all of them and reports as {@link #publishLoad} does (every message checked delivered,
     * in order, per topic). Run it on a freshly started server, so that memory touched earlier does not hide the cost.
     */
    void multiTopicLoad(ResultSink sink, int clients, int topicsPerClient, boolean connectionPerTopic, int lanes,
                        double rate, long warmupMillis, long durationMillis, List<String> metrics,
                        List<Long> serverPids) throws InterruptedException {
        if (serverPids.isEmpty()) {
            throw new IllegalArgumentException("--pids is required to measure server memory");
        }
        int topics = clients * topicsPerClient;
        Measurement measurement = newMeasurement();
        Blocking.sleep(1_000);
        ProcessMemory before = ProcessMemory.of(serverPids);
        SubscriberFleet fleet = connectionPerTopic
                ? SubscriberFleet.open(vertx, loops, target, topics, i -> i, measurement)
                : MultiTopicSubscribers.open(vertx, loops, target, clients, topicsPerClient, measurement);
        int connections = connectionPerTopic ? topics : clients;
        System.out.printf("  %s: %d clients x %d topics on %d connections (%d failed to connect)%n", target.name(),
                clients, topicsPerClient, connections, fleet.failedToConnect);
        Blocking.sleep(3_000);
        ProcessMemory after = ProcessMemory.of(serverPids);
        long followed = fleet.subscribers.stream().filter(s -> !s.ended && s.failure == null).count();
        System.out.printf("  %s: %d of %d subscriptions live; RSS %d -> %d KiB, PSS %d -> %d KiB%n", target.name(),
                followed, topics, before.rssKib, after.rssKib, before.pssKib, after.pssKib);
        String note = followed == topics ? "" : "FAILED: " + followed + " of " + topics + " subscriptions live";
        sink.add("RSS per subscription (KiB)", (after.rssKib - before.rssKib) / (double) Math.max(1, followed), note);
        sink.add("RSS with all connected (MiB)", after.rssKib / 1024.0, "");
        measureLoad(sink, measurement, fleet, false, lanes, topics, rate, warmupMillis, durationMillis, metrics,
                serverPids);
    }

    /** Publishes and measures while {@code fleet} (null: nobody) listens; closes the fleet. */
    private void measureLoad(ResultSink sink, Measurement measurement, SubscriberFleet fleet, boolean grpc, int lanes,
                             int topics, double rate, long warmupMillis, long durationMillis, List<String> metrics,
                             List<Long> serverPids) throws InterruptedException {
        DeliveryWindow window = null;
        try (PublishLanes publisher = !grpc ? new Publisher(vertx, publisherLoops, target, topics, measurement)
                : grpcPublisher.equals("grpc-java") ? new GrpcPublisher(target, lanes, topics, measurement)
                : new GrpcFramePublisher(vertx, publisherLoops, target, topics, measurement)) {
            if (fleet != null && rate <= 0) {
                window = new DeliveryWindow(vertx, fleet, publisher.okByTopic(), DELIVERY_WINDOW);
                publisher.holdUnless(window::isOpen);
            }
            if (measurement.trace != null) {
                measurement.trace.publishingStarted();
            }
            CountDownLatch lanesDone = publisher.start(lanes, rate);
            Blocking.sleep(warmupMillis);
            double cpuBefore = ProcessCpu.seconds(serverPids);
            GcPauses.Mark gcMark = gcLog == null ? null : GcPauses.mark(gcLog);
            measurement.startWindow();
            Blocking.sleep(durationMillis);
            measurement.endWindow();
            double serverCpu = ProcessCpu.seconds(serverPids) - cpuBefore;
            GcPauses pauses = gcMark == null ? null : gcMark.pausesSince();
            publisher.stop();
            Publisher.awaitLanes(lanesDone);
            long okInAll = 0;
            for (int t = 0; t < topics; t++) {
                okInAll += publisher.okByTopic().get(t);
            }
            System.out.printf("  %s: %d publishes answered OK in all (warm-up included), %d failed%n", target.name(),
                    okInAll, measurement.failedPublishes.sum());
            if (window != null) {
                window.close(); // publishing is over: no more checks while the subscribers drain
                System.out.printf("  %s: publishers waited for subscribers %.0f%% of the time%n",
                        target.name(), 100 * window.heldFraction());
            }

            double seconds = measurement.windowSeconds();
            Histogram answers = measurement.publishAnswers();
            if (answers.getTotalCount() > 0) {
                System.out.printf("  %s: publish answered after p50 %.1f ms, p99 %.1f ms (from its stamp)%n",
                        target.name(), percentileMillis(answers, 50), percentileMillis(answers, 99));
            }
            String publishNote = measurement.failedPublishes.sum() == 0 ? ""
                    : measurement.failedPublishes.sum() + " publishes failed";
            if (metrics.contains("publishes")) {
                sink.add("publishes/s", measurement.publishesInWindow.sum() / seconds, publishNote);
            }
            long work = fleet == null ? measurement.publishesInWindow.sum() : measurement.deliveriesInWindow.sum();
            String unit = fleet == null ? "publish" : "delivery";
            if (!serverPids.isEmpty()) {
                double micros = serverCpu * 1e6 / Math.max(1, work);
                System.out.printf("  %s: server CPU %.1f s in %.1f s (%.0f%% of one core), %.2f µs per %s%n",
                        target.name(), serverCpu, seconds, 100 * serverCpu / seconds, micros, unit);
                if (metrics.contains("cpu")) {
                    sink.add("server CPU per " + unit + " (µs)", micros, "");
                }
            }
            if (pauses != null) {
                System.out.println("  " + target.name() + ": collector pauses in the window: " + pauses);
                if (metrics.contains("gc")) {
                    sink.add("collector pauses in the window", pauses.count(), "");
                    sink.add("collector pause p99 (ms)", pauses.percentileMillis(99), "");
                    sink.add("collector pause max (ms)", pauses.maxMillis(), "");
                    sink.add("collector paused (% of the window)", 100 * pauses.totalMillis() / (seconds * 1000), "");
                }
            }
            if (fleet == null) {
                return;
            }
            DeliveryCheck check = DeliveryCheck.afterDrain(fleet, publisher.okByTopic(), DRAIN_MAX_MILLIS);
            System.out.println("  " + target.name() + ": " + check);
            if (measurement.trace != null) {
                measurement.trace.write(latencyTrace);
            }
            Histogram latency = measurement.latencies();
            String failed = check.passed() ? "" : "FAILED: " + check;
            if (metrics.contains("deliveries")) {
                sink.add("deliveries/s", measurement.deliveriesInWindow.sum() / seconds, "");
            }
            String noLatency = latency.getTotalCount() == 0
                    ? "no message sent in the measurement window arrived (the publishers fell behind)" : "";
            if (metrics.contains("latency")) {
                sink.add("publishes/s achieved (of " + (long) rate + " scheduled)",
                        measurement.publishesInWindow.sum() / seconds, publishNote);
                sink.add("p50 latency (ms)", percentileMillis(latency, 50), noLatency);
                sink.add("p99 latency (ms)", percentileMillis(latency, 99), noLatency);
                sink.add("p99.9 latency (ms)", percentileMillis(latency, 99.9), noLatency);
            } else if (metrics.contains("p99")) {
                sink.add("p99 latency (ms)", percentileMillis(latency, 99), noLatency);
            }
            sink.add("delivered in order (%)", 100.0 * check.deliveredFraction(), failed);
        } finally {
            if (window != null) {
                window.close(); // idempotent; here for a measurement that failed before the lanes stopped
            }
            if (fleet != null) {
                fleet.close();
            }
        }
    }

    private static double percentileMillis(Histogram latency, double percentile) {
        return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1000.0;
    }

    /** Opens {@code count} SSE subscribers, one topic each, nothing published; reports server memory per subscriber. */
    void idleSubscribers(ResultSink sink, int count, List<Long> serverPids) throws InterruptedException {
        if (serverPids.isEmpty()) {
            throw new IllegalArgumentException("--pids is required to measure server memory");
        }
        Measurement measurement = newMeasurement();
        Blocking.sleep(1_000);
        ProcessMemory before = ProcessMemory.of(serverPids);
        SubscriberFleet fleet = SubscriberFleet.open(vertx, loops, target, count, i -> i, measurement);
        try {
            Blocking.sleep(3_000);
            ProcessMemory after = ProcessMemory.of(serverPids);
            int connected = count - fleet.failedToConnect;
            long disconnected = fleet.subscribers.stream().filter(s -> s.ended).count();
            System.out.printf("  %s: %d connected, %d disconnected; RSS %d -> %d KiB, PSS %d -> %d KiB%n",
                    target.name(), connected, disconnected, before.rssKib, after.rssKib, before.pssKib, after.pssKib);
            String note = connected == count && disconnected == 0 ? ""
                    : "FAILED: " + connected + " of " + count + " connected, " + disconnected + " dropped";
            sink.add("RSS per subscriber (KiB)", (after.rssKib - before.rssKib) / (double) Math.max(1, connected), note);
            sink.add("PSS per subscriber (KiB)", (after.pssKib - before.pssKib) / (double) Math.max(1, connected), note);
            sink.add("RSS with all connected (MiB)", after.rssKib / 1024.0, "");
        } finally {
            fleet.close();
        }
    }
}
