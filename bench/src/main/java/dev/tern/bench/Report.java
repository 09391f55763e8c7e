package dev.tern.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the result lines of one benchmark into a Markdown table (workload, metric, Tern, its peer, Tern/peer: Nchan,
 * or the grpc-java server for the gRPC rows); several
 * rounds of the same measurement are summarised by their median. Notes (failures) are listed under the table.
 */
final class Report {
    private static final String TERN = "tern";
    private static final String NCHAN = "nchan";

    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    static Report read(Path results) throws IOException {
        Report report = new Report();
        for (String line : Files.readAllLines(results, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            Row row = report.rows.computeIfAbsent(f[0] + "\t" + f[1], k -> new Row(f[0], f[1]));
            (TERN.equals(f[2]) ? row.tern : row.nchan).add(Double.parseDouble(f[3]));
            if (f.length > 4 && !f[4].isBlank()) {
                report.notes.add(f[0] + ", " + f[1] + ", " + f[2] + ": " + f[4]);
            }
        }
        return report;
    }

    String table() {
        StringBuilder out = new StringBuilder();
        out.append("| Workload | Metric | Tern | Peer | Tern/Peer |\n");
        out.append("|---|---|--:|--:|--:|\n");
        String lastWorkload = null;
        List<Row> ordered = new ArrayList<>(rows.values());
        ordered.sort(java.util.Comparator.comparingInt(row -> workloadNumber(row.workload))); // stable
        for (Row row : ordered) {
            Double tern = median(row.tern);
            Double nchan = median(row.nchan);
            String ratio = tern == null || nchan == null || Double.isNaN(tern) || Double.isNaN(nchan) || nchan == 0
                    ? "" : String.format(Locale.ROOT, "%.2f", tern / nchan);
            out.append("| ").append(row.workload.equals(lastWorkload) ? "" : row.workload)
                    .append(" | ").append(row.metric)
                    .append(" | ").append(format(row.metric, tern))
                    .append(" | ").append(format(row.metric, nchan))
                    .append(" | ").append(ratio).append(" |\n");
            lastWorkload = row.workload;
        }
        return out.toString();
    }

    String notes() {
        if (notes.isEmpty()) {
            return "No failures: every subscriber received every message, in order.\n";
        }
        StringBuilder out = new StringBuilder();
        for (String note : notes) {
            out.append("- ").append(note).append('\n');
        }
        return out.toString();
    }

    /** The number a workload label starts with ("3 fan-out latency..." is 3); labels without one go last. */
    private static int workloadNumber(String label) {
        int end = 0;
        while (end < label.length() && Character.isDigit(label.charAt(end))) {
            end++;
        }
        return end == 0 ? Integer.MAX_VALUE : Integer.parseInt(label.substring(0, end));
    }

    private static String format(String metric, Double value) {
        if (value == null) {
            return "n/a";
        }
        if (Double.isNaN(value)) {
            return "–";
        }
        if (metric.contains("/s")) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (metric.contains("MiB")) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (metric.contains("KiB")) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static Double median(List<Double> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static final class Row {
        final String workload;
        final String metric;
        final List<Double> tern = new ArrayList<>();
        final List<Double> nchan = new ArrayList<>();

        Row(String workload, String metric) {
            this.workload = workload;
            this.metric = metric;
        }
    }
}
