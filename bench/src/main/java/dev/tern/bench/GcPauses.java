package dev.tern.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The collector pauses a server logged ({@code -Xlog:gc:file=...}) during a measurement window: the lines appended
 * to its log between {@link #mark} and {@link Mark#pausesSince}, read as "Pause ... 1.234ms".
 */
final class GcPauses {
    private static final Pattern PAUSE = Pattern.compile("Pause .* (\\d+(?:\\.\\d+)?)ms\\s*$");

    private final double[] millis;

    private GcPauses(double[] millis) {
        this.millis = millis;
        Arrays.sort(this.millis);
    }

    static Mark mark(Path log) {
        return new Mark(log, log.toFile().length());
    }

    record Mark(Path log, long offset) {
        GcPauses pausesSince() {
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                long end = file.length();
                byte[] appended = new byte[(int) Math.max(0, end - offset)];
                file.seek(offset);
                file.readFully(appended);
                return parse(new String(appended, StandardCharsets.UTF_8));
            } catch (IOException e) {
                System.err.println("bench: cannot read the GC log " + log + ": " + e);
                return new GcPauses(new double[0]);
            }
        }
    }

    static GcPauses parse(String lines) {
        return new GcPauses(lines.lines().map(PAUSE::matcher).filter(Matcher::find)
                .mapToDouble(m -> Double.parseDouble(m.group(1))).toArray());
    }

    int count() {
        return millis.length;
    }

    double totalMillis() {
        return Arrays.stream(millis).sum();
    }

    double maxMillis() {
        return millis.length == 0 ? 0 : millis[millis.length - 1];
    }

    double percentileMillis(double percentile) {
        if (millis.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(percentile / 100 * millis.length) - 1;
        return millis[Math.max(0, Math.min(millis.length - 1, index))];
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %.0f ms in all", count(),
                percentileMillis(50), percentileMillis(99), maxMillis(), totalMillis());
    }
}
