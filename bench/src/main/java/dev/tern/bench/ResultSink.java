package dev.tern.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Appends results as tab-separated lines {@code workload, metric, target, value, note} to a file shared by all runs
 * of one benchmark; {@link Report} turns it into the table.
 */
final class ResultSink {
    private final Path file;
    private final String workload;
    private final String target;

    ResultSink(Path file, String workload, String target) {
        this.file = file;
        this.workload = workload;
        this.target = target;
    }

    void add(String metric, double value, String note) {
        String line = String.join("\t", workload, metric, target, String.format(Locale.ROOT, "%.6f", value),
                note == null ? "" : note) + "\n";
        System.out.printf(Locale.ROOT, "  %-8s %-40s %14.3f %s%n", target, metric, value, note == null ? "" : note);
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
