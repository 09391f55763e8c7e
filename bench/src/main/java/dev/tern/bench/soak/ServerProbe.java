package dev.tern.bench.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the server process from outside: resident memory, threads and CPU time from /proc, open file descriptors
 * (entries of /proc/PID/fd), and the live heap: {@code jcmd PID GC.class_histogram}, which collects the whole heap
 * and counts the objects that survived, in one safepoint; its total is the live heap. (Not {@code GC.run} then
 * {@code GC.heap_info}: in the second or two between the two commands the server fills the young generation again,
 * so "used" then follows the allocation rate rather than what is live.)
 */
final class ServerProbe {
    /** The histogram's last line: {@code Total <instances> <bytes>}. */
    private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");
    private static final double TICKS_PER_SECOND = 100.0;

    private final long pid;

    ServerProbe(long pid) {
        this.pid = pid;
    }

    long rssKib() throws IOException {
        return statusField("VmRSS:");
    }

    long threads() throws IOException {
        return statusField("Threads:");
    }

    long fileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }

    double cpuSeconds() throws IOException {
        String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /** Bytes of the objects that survive a full collection, KiB. */
    long liveHeapKib() throws IOException, InterruptedException {
        String histogram = jcmd("GC.class_histogram");
        Matcher total = TOTAL.matcher(histogram);
        if (!total.find()) {
            throw new IOException("no Total line in GC.class_histogram: "
                    + histogram.substring(Math.max(0, histogram.length() - 500)));
        }
        return Long.parseLong(total.group(1)) / 1024;
    }

    boolean alive() {
        return Files.exists(Path.of("/proc", Long.toString(pid), "status"));
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("jcmd " + pid + " " + command + " failed: " + new String(output, StandardCharsets.UTF_8));
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    private long statusField(String name) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException(name + " not in /proc/" + pid + "/status");
    }
}
