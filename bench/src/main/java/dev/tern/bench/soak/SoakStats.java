package dev.tern.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters shared by the soak's clients, and the first few problems each kind of counter saw, for the report. */
final class SoakStats {
    private static final int KEPT = 20;

    final LongAdder published = new LongAdder();
    final LongAdder deliveries = new LongAdder();
    /** Publishes refused with 401 because the token had just expired: retried with the current token. */
    final LongAdder publishesRefusedExpired = new LongAdder();
    /** Any other failed publish (a status other than 204 and 401, or no answer): each is a failure of the soak. */
    final LongAdder publishFailures = new LongAdder();
    final LongAdder publisherReconnects = new LongAdder();
    final LongAdder cacheCycles = new LongAdder();
    final LongAdder cacheCycleFailures = new LongAdder();
    private final Map<String, LongAdder> ends = new ConcurrentHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> unexpected = new ArrayList<>();
    private final Map<String, Long> problemsByKind = new TreeMap<>();
    private long problemCount;
    private long unexpectedCount;

    /** A subscriber's connection ended; {@code transport} and {@code how} name the row of the report's table. */
    void ended(String transport, Follower.End how) {
        ends.computeIfAbsent(transport + "\t" + how.name(), k -> new LongAdder()).increment();
    }

    /** A message lost, repeated, reordered or foreign, or a discontinuity ({@code kind}). */
    synchronized void problem(String kind, String what) {
        problemCount++;
        problemsByKind.merge(kind, 1L, Long::sum);
        if (problems.size() < KEPT) {
            problems.add(what);
        }
    }

    /** Something that should not happen on a healthy server: an unexpected end, a failed publish or cache cycle. */
    synchronized void unexpected(String what) {
        unexpectedCount++;
        if (unexpected.size() < KEPT) {
            unexpected.add(what);
        }
        System.err.println("soak: " + what);
    }

    synchronized long unexpectedCount() {
        return unexpectedCount;
    }

    synchronized long problemCount() {
        return problemCount;
    }

    synchronized Map<String, Long> problemsByKind() {
        return new TreeMap<>(problemsByKind);
    }

    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    synchronized List<String> unexpected() {
        return List.copyOf(unexpected);
    }

    /** {transport -> {end -> count}}, sorted. */
    Map<String, Map<String, Long>> endsByTransport() {
        Map<String, Map<String, Long>> table = new TreeMap<>();
        ends.forEach((key, count) -> {
            String[] parts = key.split("\t");
            table.computeIfAbsent(parts[0], k -> new TreeMap<>()).put(parts[1], count.sum());
        });
        return table;
    }
}
