package dev.tern.bench.soak;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The soak's checks, decided once from what was measured, and the report of the run in Markdown. */
final class SoakResult {
    /** One row of the checks table. */
    record Check(String name, String measured, String bound, boolean passed) {
    }

    private final String commandLine;
    private final double durationSeconds;
    private final double warmupSeconds;
    private final double sampleSeconds;
    private final double historyFullAt;
    private final SoakCommand settings;
    private final List<Sample> samples;
    private final SoakStats stats;
    private final Tokens tokens;
    private final long messagesExpected;
    private final long messagesReceived;
    private final ServerLog log;
    private final double loadBefore;
    private final double loadAfter;
    private final List<Check> checks = new ArrayList<>();

    SoakResult(String commandLine, double durationSeconds, double warmupSeconds, double historyFullAt,
               double sampleSeconds, SoakCommand settings, List<Sample> samples, List<Flatness> flatness, SoakStats stats, Tokens tokens,
               List<String> incomplete, long messagesExpected, long messagesReceived, boolean alive, ServerLog log,
               double loadBefore, double loadAfter, String samplerFailure) {
        this.commandLine = commandLine;
        this.durationSeconds = durationSeconds;
        this.warmupSeconds = warmupSeconds;
        this.sampleSeconds = sampleSeconds;
        this.historyFullAt = historyFullAt;
        this.settings = settings;
        this.samples = samples;
        this.stats = stats;
        this.tokens = tokens;
        this.messagesExpected = messagesExpected;
        this.messagesReceived = messagesReceived;
        this.log = log;
        this.loadBefore = loadBefore;
        this.loadAfter = loadAfter;

        for (Flatness f : flatness) {
            String measured = f.samples() < Flatness.MIN_SAMPLES
                    ? f.samples() + " samples after warm-up, too few"
                    : String.format(Locale.ROOT, "%s -> %s (%+.1f %%); range %s to %s; %d samples", num(f.first()),
                    num(f.last()), 100 * f.growth(), num(f.min()), num(f.max()), f.samples())
                    + (f.unit().isEmpty() ? "" : ", " + f.unit());
            checks.add(new Check(f.figure() + " flat after warm-up", measured,
                    String.format(Locale.ROOT, "last third's median at most %+.0f %% over the first third's",
                            100 * f.allowedGrowth()), f.passed()));
        }
        Map<String, Long> problems = stats.problemsByKind();
        long discontinuities = problems.getOrDefault("discontinuity", 0L);
        long lostOrReordered = stats.problemCount() - discontinuities;
        checks.add(new Check("messages lost, repeated or reordered (server sequence and each publisher's order, "
                + "every subscriber, across reconnects)", lostOrReordered == 0 ? "0"
                : lostOrReordered + " " + problems, "0", lostOrReordered == 0));
        checks.add(new Check("discontinuities (history covers every resume)", Long.toString(discontinuities), "0",
                discontinuities == 0));
        checks.add(new Check("subscribers without every acknowledged message at the end",
                incomplete.isEmpty() ? String.format(Locale.ROOT, "0 (%,d of %,d messages received)", messagesReceived,
                        messagesExpected) : incomplete.size() + ": " + String.join("; ", incomplete), "0",
                incomplete.isEmpty() && messagesReceived == messagesExpected));
        long unexpectedEnds = stats.endsByTransport().values().stream()
                .mapToLong(m -> m.getOrDefault(Follower.End.UNEXPECTED.name(), 0L)).sum();
        checks.add(new Check("subscriber connections ended unexpectedly", Long.toString(unexpectedEnds), "0",
                unexpectedEnds == 0));
        long publishFailures = stats.publishFailures.sum();
        checks.add(new Check("publishes failed (a 401 right after a token expired is retried, not counted)",
                Long.toString(publishFailures), "0", publishFailures == 0 && stats.published.sum() > 0));
        long cycles = stats.cacheCycles.sum();
        long cycleFailures = stats.cacheCycleFailures.sum();
        checks.add(new Check("cache cycles failed", cycleFailures + " of " + cycles, "0 of at least 1",
                cycleFailures == 0 && cycles > 0));
        long other = stats.unexpectedCount() - unexpectedEnds - publishFailures - cycleFailures;
        checks.add(new Check("other unexpected events", Long.toString(other), "0", other == 0));
        checks.add(new Check("token mints failed", Long.toString(tokens.failures()), "0", tokens.failures() == 0));
        checks.add(new Check("ERROR lines in the server log not explained", log.unexplainedErrors.size()
                + (log.explainedErrors.isEmpty() ? "" : " (" + log.explainedErrors.size() + " explained)"), "0",
                log.unexplainedErrors.isEmpty()));
        checks.add(new Check("server alive and ready at the end", alive ? "yes" : "no", "yes", alive));
        checks.add(new Check("every sample taken", samplerFailure == null ? "yes" : "no: " + samplerFailure, "yes",
                samplerFailure == null));
    }

    boolean passed() {
        return checks.stream().allMatch(Check::passed);
    }

    String checksTable() {
        StringBuilder out = new StringBuilder("| check | measured | bound | result |\n|---|---|---|---|\n");
        for (Check c : checks) {
            out.append("| ").append(c.name()).append(" | ").append(c.measured().replace("|", "/")).append(" | ")
                    .append(c.bound()).append(" | ").append(c.passed() ? "passed" : "**FAILED**").append(" |\n");
        }
        return out.toString();
    }

    String markdown(String plotFile) {
        StringBuilder out = new StringBuilder();
        double[] loads = samples.stream().mapToDouble(Sample::loadAverage).sorted().toArray();
        out.append("- Command: `").append(commandLine).append("`, finished ")
                .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(String.format(Locale.ROOT, "; %.0f s of load, the first %.0f s warm-up, a sample every %.0f s",
                        durationSeconds, warmupSeconds, sampleSeconds)).append('\n');
        double averageRate = samples.isEmpty() ? 0 : stats.published.sum() / samples.get(samples.size() - 1).seconds();
        out.append(String.format(Locale.ROOT, "- Every topic's history (%,d messages) was full %s\n",
                settings.historyMessages, Double.isInfinite(historyFullAt)
                        ? "at no sample: too few publishes for that (the flatness checks then have no samples)"
                        : String.format(Locale.ROOT, "at %.0f s (%.0f publishes/s on average over the run)", historyFullAt,
                        averageRate)));
        out.append(String.format(Locale.ROOT, "- Load average (1 min): %.2f before, %.2f to %.2f while it ran "
                        + "(median %.2f), %.2f at the end\n", loadBefore, loads.length == 0 ? Double.NaN : loads[0],
                loads.length == 0 ? Double.NaN : loads[loads.length - 1],
                loads.length == 0 ? Double.NaN : loads[loads.length / 2], loadAfter));
        out.append(String.format(Locale.ROOT, "- Load: %.0f publishes/s over %d HTTP and %d gRPC publishers to %d "
                        + "topics; %d subscribers of each of SSE, WebSocket, gRPC and long poll; tokens living %s; "
                        + "subscriber connections living %s; a cache cycle every %s plus its own time\n",
                settings.rate, settings.httpLanes, settings.grpcLanes, settings.topics, settings.perTransport,
                settings.tokenLifetime, settings.connectionLife, settings.cyclePause));
        out.append("- Result: **").append(passed() ? "every check passed" : "FAILED").append("**\n\n");
        out.append("### Checks\n\n").append(checksTable()).append('\n');

        out.append("### Over time\n\n");
        if (plotFile != null) {
            out.append("![Memory, throughput, descriptors and threads over the run](").append(plotFile)
                    .append(")\n\n");
        }
        out.append("| minute | RSS (MiB) | live heap (MiB) | descriptors | threads | publishes/s | deliveries/s | "
                + "server CPU (% of a core) | load average |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        int step = Math.max(1, samples.size() / 30);
        for (int i = 1; i < samples.size(); i += step) {
            Sample a = samples.get(i - 1);
            Sample b = samples.get(i);
            double dt = b.seconds() - a.seconds();
            out.append(String.format(Locale.ROOT, "| %.1f%s | %.1f | %.1f | %d | %d | %.0f | %.0f | %.0f | %.2f |\n",
                    b.seconds() / 60, b.seconds() < warmupSeconds ? " (warm-up)" : "", b.rssKib() / 1024.0,
                    b.liveHeapKib() / 1024.0, b.fileDescriptors(), b.threads(), (b.published() - a.published()) / dt,
                    (b.delivered() - a.delivered()) / dt, 100 * (b.cpuSeconds() - a.cpuSeconds()) / dt,
                    b.loadAverage()));
        }
        out.append('\n');

        out.append("### Traffic\n\n");
        out.append(String.format(Locale.ROOT, "- %,d publishes acknowledged, %,d messages delivered (cache cycles "
                        + "included); %,d publishing connections replaced on purpose; %,d publishes refused with 401 "
                        + "because the token had just expired, each retried; %,d tokens minted\n",
                stats.published.sum(), stats.deliveries.sum(), stats.publisherReconnects.sum(),
                stats.publishesRefusedExpired.sum(), tokens.minted()));
        out.append(String.format(Locale.ROOT, "- %,d cache cycles (create, one subscriber per transport, %d messages, "
                + "delete, check every subscriber was ended and a publish gets 404)\n", stats.cacheCycles.sum(),
                CacheCycles.MESSAGES));
        out.append("- Subscriber connections, by how they ended (each was followed by a reconnect resuming after the "
                + "last message, except at a deleted cache):\n\n");
        out.append("| transport | closed by the client (churn) | token expired | cache deleted | unexpected |\n"
                + "|---|---:|---:|---:|---:|\n");
        stats.endsByTransport().forEach((transport, ends) -> out.append(String.format(Locale.ROOT,
                "| %s | %,d | %,d | %,d | %,d |\n", transport, ends.getOrDefault("CHURN", 0L),
                ends.getOrDefault("TOKEN_EXPIRED", 0L), ends.getOrDefault("CACHE_DELETED", 0L),
                ends.getOrDefault("UNEXPECTED", 0L))));
        out.append('\n');

        out.append("### Server log\n\n");
        out.append(String.format(Locale.ROOT, "%,d lines; %d ERROR (%d not explained); WARN by message:\n\n",
                log.lines, log.unexplainedErrors.size() + log.explainedErrors.size(), log.unexplainedErrors.size()));
        if (log.warnings.isEmpty()) {
            out.append("- none\n");
        }
        log.warnings.entrySet().stream().limit(15).forEach(e -> out.append("- ").append(e.getValue()).append(" x `")
                .append(e.getKey().replace("`", "'")).append("`\n"));
        log.unexplainedErrors.stream().limit(10).forEach(line -> out.append("- ERROR: `").append(line.replace("`", "'"))
                .append("`\n"));
        List<String> problems = new ArrayList<>(stats.problems());
        problems.addAll(stats.unexpected());
        if (!problems.isEmpty()) {
            out.append("\n### First problems seen\n\n");
            problems.forEach(p -> out.append("- ").append(p.replace("|", "/")).append('\n'));
        }
        return out.toString();
    }

    private static String num(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e9 ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%.1f", value);
    }
}
