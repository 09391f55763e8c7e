package dev.tern.bench.soak;

import dev.tern.bench.Blocking;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * {@code tern-bench soak}: a long mixed load against one running Tern, with its checks (bench/soak starts the
 * server and calls this; docs/reliability.md describes the load, the checks and the last run). Exit status 0 when
 * every check passed, 1 when one failed.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Run the soak against a running Tern and check memory, descriptors, threads and every message.")
public final class SoakCommand implements java.util.concurrent.Callable<Integer> {
    static final String CACHE = "soak";
    static final double ALLOWED_GROWTH = 0.10;

    @Option(names = "--host", defaultValue = "127.0.0.1")
    String host;
    @Option(names = "--port", required = true)
    int port;
    @Option(names = "--pid", required = true, description = "The server's process id (memory, descriptors, threads, jcmd).")
    long pid;
    @Option(names = "--superuser-key-file", required = true, description = "DATA_DIR/superuser-api-key")
    Path superUserKeyFile;
    @Option(names = "--server-log", required = true, description = "The server's log file (text format), checked at the end.")
    Path serverLog;
    @Option(names = "--duration", defaultValue = "30m", description = "How long the load runs: 30m, 3m, 90s, 1h.")
    String duration;
    @Option(names = "--warmup", description = "Left out of the flatness checks (default: the longest of 60 s, a sixth "
            + "of the duration, and the time every topic's history took to fill).")
    String warmup;
    @Option(names = "--sample-every", description = "Default: the duration / 180, at least 5 s.")
    String sampleEvery;
    @Option(names = "--rate", defaultValue = "320", description = "Publishes/s in all, spread over the lanes.")
    double rate;
    @Option(names = "--topics", defaultValue = "8")
    int topics;
    @Option(names = "--http-lanes", defaultValue = "6", description = "HTTP publishers.")
    int httpLanes;
    @Option(names = "--grpc-lanes", defaultValue = "4", description = "gRPC publishers.")
    int grpcLanes;
    @Option(names = "--subscribers", defaultValue = "16", description = "Subscribers of each transport (SSE, "
            + "WebSocket, gRPC, long poll), spread over the topics.")
    int perTransport;
    @Option(names = "--token-lifetime", defaultValue = "30s", description = "Lifetime of the disposable tokens.")
    String tokenLifetime;
    @Option(names = "--connection-life", defaultValue = "5s-40s",
            description = "A subscriber connection's lifetime before its client closes it, drawn from this range.")
    String connectionLife;
    @Option(names = "--cache-cycle-pause", defaultValue = "1s", description = "Pause between two cache cycles.")
    String cyclePause;
    @Option(names = "--history-messages", defaultValue = "1000", description = "The server's --history-messages.")
    int historyMessages;
    @Option(names = "--doc", description = "Where to write the report (Markdown); none: not written.")
    Path doc;
    @Option(names = "--plot", description = "Where to write the plot (SVG), linked from the report by file name.")
    Path plot;
    @Option(names = "--template", description = "The report's template, with {{RUN}}.")
    Path template;
    @Option(names = "--machine", description = "The machine's description (Markdown), for the report.")
    Path machine;
    @Option(names = "--command-line", defaultValue = "bench/soak", description = "The command, as the report shows it.")
    String commandLine;

    @Override
    public Integer call() throws Exception {
        long durationMillis = Durations.millis(duration);
        long warmupMillis = warmup != null ? Durations.millis(warmup)
                : Math.max(60_000, durationMillis / 6);
        long sampleMillis = sampleEvery != null ? Durations.millis(sampleEvery) : Math.max(5_000, durationMillis / 180);
        String[] life = connectionLife.split("-");
        int lanes = httpLanes + grpcLanes + 1; // the cache cycles publish as the last lane

        SoakStats stats = new SoakStats();
        Admin admin = new Admin(host, port, Files.readString(superUserKeyFile, StandardCharsets.UTF_8).trim());
        int created = admin.createCache(CACHE);
        if (created != 201 && created != 409) {
            System.err.println("soak: creating cache " + CACHE + " answered " + created);
            return 1;
        }
        Tokens tokens = new Tokens(admin, (int) (Durations.millis(tokenLifetime) / 1000));
        // No blocked-thread warnings: on a busy shared machine the load generator's loops stall for seconds, which
        // is not what the soak checks (and would bury its output in stack traces).
        Vertx vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(TimeUnit.HOURS.toMillis(1)));
        SoakClients clients = new SoakClients(vertx, host, port, tokens, stats, lanes, Durations.millis(life[0]),
                Durations.millis(life[1]));
        Acknowledged acknowledged = new Acknowledged(lanes, topics);
        ScheduledExecutorService grpcTimer = Executors.newSingleThreadScheduledExecutor();
        ServerProbe probe = new ServerProbe(pid);
        System.out.printf("soak: %s of load, warm-up %d s, a sample every %d s; %.0f publishes/s over %d HTTP and %d "
                        + "gRPC publishers to %d topics; %d subscribers of each transport%n", duration,
                warmupMillis / 1000, sampleMillis / 1000, rate, httpLanes, grpcLanes, topics, perTransport);

        List<Follower> followers = new ArrayList<>();
        List<BiFunction<String, Integer, Follower>> transports = List.of(
                (c, t) -> new SseFollower(c, t, clients), (c, t) -> new WebSocketFollower(c, t, clients),
                (c, t) -> new GrpcFollower(c, t, clients), (c, t) -> new LongPollFollower(c, t, clients));
        for (BiFunction<String, Integer, Follower> transport : transports) {
            for (int i = 0; i < perTransport; i++) {
                followers.add(transport.apply(CACHE, i % topics));
            }
        }
        followers.forEach(Follower::start);
        Blocking.sleep(2_000);

        long started = System.nanoTime();
        double loadBefore = ServerProbe.loadAverage();
        Sampler sampler = new Sampler(probe, stats, sampleMillis, started);
        sampler.start();
        CountDownLatch lanesDone = new CountDownLatch(httpLanes + grpcLanes);
        List<PublishLane> publishers = new ArrayList<>();
        double perLane = rate / (httpLanes + grpcLanes);
        for (int i = 0; i < httpLanes; i++) {
            publishers.add(new HttpPublishLane(i, CACHE, topics, perLane, clients, acknowledged, lanesDone));
        }
        for (int i = httpLanes; i < httpLanes + grpcLanes; i++) {
            publishers.add(new GrpcPublishLane(i, CACHE, topics, perLane, clients, acknowledged, lanesDone, grpcTimer));
        }
        publishers.forEach(PublishLane::start);
        CacheCycles cycles = new CacheCycles(admin, clients, lanes - 1, Durations.millis(cyclePause));
        cycles.start();

        Blocking.sleep(durationMillis);
        List<Sample> samples = sampler.stop();
        double loadAfter = ServerProbe.loadAverage();

        // Drain: no more churn or publishing; every subscriber must then catch up with every acknowledged message.
        System.out.println("soak: load stopped; waiting for every subscriber to have every message");
        clients.stopChurn();
        cycles.stop();
        publishers.forEach(PublishLane::stop);
        if (!lanesDone.await(120, TimeUnit.SECONDS)) { // a bound for a hang, not a timing check
            stats.unexpected("publishers did not finish within 120 s of the stop");
        }
        long drainDeadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < drainDeadline
                && followers.stream().anyMatch(f -> f.check.missingTails(acknowledged) > 0)) {
            Blocking.sleep(200);
        }
        List<String> incomplete = new ArrayList<>();
        for (Follower f : followers) {
            int missing = f.check.missingTails(acknowledged);
            if (missing > 0) {
                incomplete.add(f.transport + " subscriber of t" + f.topic + ": " + missing + " publishers' last messages missing");
            }
        }
        boolean alive = probe.alive() && admin.ready();
        followers.forEach(Follower::stop);
        publishers.stream().filter(p -> p instanceof GrpcPublishLane).forEach(p -> ((GrpcPublishLane) p).closeChannel());
        grpcTimer.shutdownNow();
        tokens.close();
        Blocking.sleep(500);
        clients.close();
        Blocking.await(vertx.close());

        long messagesExpected = 0;
        for (Follower f : followers) {
            for (int lane = 0; lane < lanes - 1; lane++) {
                messagesExpected += acknowledged.last(lane, f.topic);
            }
        }
        long messagesReceived = followers.stream().mapToLong(f -> f.check.items).sum();

        // Warm-up lasts at least until every topic's history is full: before that the live heap grows by design.
        // The topics are chosen at random, so a quarter more than history x topics publishes fills them all.
        double historyFullAt = samples.stream()
                .filter(s -> s.published() >= 1.25 * historyMessages * topics).mapToDouble(Sample::seconds)
                .findFirst().orElse(Double.POSITIVE_INFINITY);
        double warmupSeconds = warmup != null ? warmupMillis / 1000.0 : Math.max(warmupMillis / 1000.0, historyFullAt);
        List<Sample> afterWarmUp = samples.stream().filter(s -> s.seconds() >= warmupSeconds).toList();
        List<Flatness> flatness = List.of(
                Flatness.of("resident memory (RSS)", "MiB", afterWarmUp, s -> s.rssKib() / 1024.0, ALLOWED_GROWTH),
                Flatness.of("live heap after a full collection", "MiB", afterWarmUp, s -> s.liveHeapKib() / 1024.0,
                        ALLOWED_GROWTH),
                Flatness.of("open file descriptors", "", afterWarmUp, s -> s.fileDescriptors(), ALLOWED_GROWTH),
                Flatness.of("threads", "", afterWarmUp, s -> s.threads(), ALLOWED_GROWTH));
        ServerLog log = ServerLog.read(serverLog);

        SoakResult result = new SoakResult(commandLine, durationMillis / 1000.0, warmupSeconds, historyFullAt,
                sampleMillis / 1000.0,
                this, samples, flatness, stats, tokens, incomplete, messagesExpected, messagesReceived, alive, log,
                loadBefore, loadAfter, sampler.lastFailure());
        System.out.println();
        System.out.print(result.checksTable());
        if (doc != null) {
            String run = result.markdown(plot == null ? null : plot.getFileName().toString());
            String text = template == null ? run
                    : Files.readString(template, StandardCharsets.UTF_8).replace("{{RUN}}", run)
                    .replace("{{MACHINE}}", machine == null ? "" : Files.readString(machine, StandardCharsets.UTF_8));
            Files.writeString(doc, text, StandardCharsets.UTF_8);
            System.out.println("soak: wrote " + doc);
        }
        if (plot != null) {
            Files.writeString(plot, SvgPlot.of(samples, warmupSeconds), StandardCharsets.UTF_8);
            System.out.println("soak: wrote " + plot);
        }
        System.out.println(result.passed() ? "soak: every check passed" : "soak: FAILED");
        return result.passed() ? 0 : 1;
    }

    /** "30m", "90s", "1h", "500ms", "2.5m" as milliseconds. */
    static final class Durations {
        private Durations() {
        }

        static long millis(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            double factor;
            String number;
            if (t.endsWith("ms")) {
                factor = 1;
                number = t.substring(0, t.length() - 2);
            } else if (t.endsWith("s")) {
                factor = 1_000;
                number = t.substring(0, t.length() - 1);
            } else if (t.endsWith("m")) {
                factor = 60_000;
                number = t.substring(0, t.length() - 1);
            } else if (t.endsWith("h")) {
                factor = 3_600_000;
                number = t.substring(0, t.length() - 1);
            } else {
                factor = 1_000;
                number = t;
            }
            return (long) (Double.parseDouble(number) * factor);
        }
    }
}
