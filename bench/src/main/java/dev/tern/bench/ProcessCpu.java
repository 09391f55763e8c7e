package dev.tern.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time (user + system) that server processes have used, from /proc/[pid]/stat. The difference over a
 * measurement window, divided by the work done in it, is the server's cost per publish or per delivery: a figure
 * that does not depend on how much CPU the load generator left the server.
 */
final class ProcessCpu {
    /** USER_HZ: the unit of utime and stime; 100 on every Linux architecture the benchmark targets. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {
    }

    /** Seconds of CPU the processes have used since they started (their threads included). */
    static double seconds(List<Long> pids) {
        long ticks = 0;
        for (long pid : pids) {
            ticks += ticks(Path.of("/proc", Long.toString(pid), "stat"));
        }
        return ticks / TICKS_PER_SECOND;
    }

    private static long ticks(Path stat) {
        try {
            String line = Files.readString(stat);
            // The command name (field 2) is in parentheses and may contain spaces: count fields after its end.
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14 and 15)
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + stat + ": " + e.getMessage(), e);
        }
    }
}
