package dev.tern.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Resident memory of server processes from /proc: VmRSS (what the issue asks for) and PSS (shared pages divided
 * among the processes sharing them, so the nginx workers' shared memory zone is not counted once per worker).
 */
final class ProcessMemory {
    final long rssKib;
    final long pssKib;

    private ProcessMemory(long rssKib, long pssKib) {
        this.rssKib = rssKib;
        this.pssKib = pssKib;
    }

    static ProcessMemory of(List<Long> pids) {
        long rss = 0, pss = 0;
        for (long pid : pids) {
            rss += field(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
            pss += field(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:");
        }
        return new ProcessMemory(rss, pss);
    }

    private static long field(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
            throw new IllegalStateException(name + " not found in " + file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
