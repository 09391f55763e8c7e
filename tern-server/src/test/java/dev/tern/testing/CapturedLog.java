package dev.tern.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Tern's log captured while open, and still passed through. The server logs through Logback, whose console appender
 * ({@code logging.LogFormat}) writes each line to whatever {@code System.out} is at the time, so replacing
 * {@code System.out} captures every in-process server's log. Tests use it to show that a client's mistake, or a
 * Redis outage, never leaves an ERROR line.
 */
public final class CapturedLog implements AutoCloseable {
    private final PrintStream original = System.out;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private CapturedLog() {
    }

    public static CapturedLog start() {
        CapturedLog log = new CapturedLog();
        System.setOut(new PrintStream(new Tee(log.original, log.captured), true, StandardCharsets.UTF_8));
        return log;
    }

    public String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    /** The lines logged at ERROR. */
    public List<String> errorLines() {
        return text().lines().filter(line -> line.contains(" ERROR ")).toList();
    }

    public List<String> linesContaining(String text) {
        return text().lines().filter(line -> line.contains(text)).toList();
    }

    @Override
    public void close() {
        System.setOut(original);
    }

    /** Writes to the original stream and to the capture. */
    private static final class Tee extends OutputStream {
        private final OutputStream original;
        private final ByteArrayOutputStream captured;

        Tee(OutputStream original, ByteArrayOutputStream captured) {
            this.original = original;
            this.captured = captured;
        }

        @Override
        public void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            synchronized (captured) {
                captured.write(bytes, offset, length);
            }
            try {
                original.write(bytes, offset, length);
            } catch (java.io.IOException ignored) {
                // the console went away; the capture is what the test reads
            }
        }
    }
}
