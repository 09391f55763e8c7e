package dev.tern.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Thread dumps of this load generator and the servers it measures, taken with the JDK's {@code jcmd} when a request
 * the run depends on goes unanswered, so that what each side was doing at that moment is on record.
 */
final class ThreadDumps {
    private ThreadDumps() {
    }

    /** Writes one file holding a dump of each process (this one first) and returns its path. */
    static Path write(String why, List<Long> serverPids) {
        try {
            Path file = Files.createTempFile("tern-bench-threads-", ".txt");
            Files.writeString(file, why + System.lineSeparator(), StandardCharsets.UTF_8);
            List<Long> pids = new ArrayList<>();
            pids.add(ProcessHandle.current().pid());
            pids.addAll(serverPids);
            for (long pid : pids) {
                Files.writeString(file, "== jcmd " + pid + " Thread.print" + System.lineSeparator(),
                        StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                Process jcmd = new ProcessBuilder(jcmd(), Long.toString(pid), "Thread.print")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(file.toFile()))
                        .start();
                if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
                    jcmd.destroyForcibly();
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code jcmd} beside the {@code java} running this process, else the one on the PATH. */
    private static String jcmd() {
        return ProcessHandle.current().info().command()
                .map(java -> new File(new File(java).getParentFile(), "jcmd"))
                .filter(File::canExecute)
                .map(File::getPath)
                .orElse("jcmd");
    }
}
