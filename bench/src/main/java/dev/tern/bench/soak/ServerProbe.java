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
 * (entries of /proc/PID/fd), and the live heap: {@code jcmd PID GC.run} (a full collection, System.gc()) then
 * {@code jcmd PID GC.heap_info}, whose generations' {@code used} figures then add up to what survived it.
 */
final class ServerProbe {
    /** "total 29504K, used 1234K": a generation (or G1's one heap) in GC.heap_info; Metaspace lines do not match. */
    private static final Pattern USED = Pattern.compile("total\\s+\\d+K,\\s+used\\s+(\\d+)K");
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

    /** Heap in use right after a full collection, KiB. */
    long liveHeapKib() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher used = USED.matcher(info);
        long total = 0;
        boolean found = false;
        while (used.find()) {
            total += Long.parseLong(used.group(1));
            found = true;
        }
        if (!found) {
            throw new IOException("no heap figures in GC.heap_info: " + info);
        }
        return total;
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
