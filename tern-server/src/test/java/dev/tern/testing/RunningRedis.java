package dev.tern.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} for tests, on a free loopback port, with its own directory and no persistence unless a
 * test asks for it ({@link #stopSaving()}). Outside CI, a missing {@code redis-server} skips the test with a message;
 * under {@code CI=true} it fails the test, because CI must run the Redis tests.
 */
public final class RunningRedis implements AutoCloseable {
    private final String binary;
    private final Path dir;
    private final int port;
    private final List<String> extraArgs;
    private Process process;

    private RunningRedis(String binary, Path dir, int port, List<String> extraArgs) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
        this.extraArgs = extraArgs;
    }

    /** Starts a redis-server with the given extra arguments (e.g. cluster mode). */
    public static RunningRedis start(String... extraArgs) {
        String binary = binary("redis-server");
        if (binary == null) {
            String message = "redis-server is not installed (apt-get install redis-server); skipping the Redis tests";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("CI=true but " + message);
            }
            Assumptions.abort(message);
        }
        try {
            RunningRedis redis = new RunningRedis(binary, Files.createTempDirectory("tern-redis"), freePort(), List.of(extraArgs));
            redis.boot();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The path of a Redis program ({@code redis-server}, {@code redis-cli}), or null when it is not installed. */
    static String binary(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/usr/local/bin");
        for (String entry : (path + File.pathSeparator + "/usr/bin" + File.pathSeparator + "/usr/sbin").split(File.pathSeparator)) {
            File candidate = new File(entry, program);
            if (candidate.canExecute()) {
                return candidate.getAbsolutePath();
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void boot() {
        try {
            List<String> command = new ArrayList<>(List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--dbfilename", "dump.rdb",
                    "--protected-mode", "no"));
            command.addAll(extraArgs);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited: " + log());
            }
            try {
                if ("+PONG".equals(command("PING"))) {
                    return;
                }
            } catch (UncheckedIOException notYet) {
                // still starting
            }
            sleep(Duration.ofMillis(20));
        }
        throw new IllegalStateException("redis-server did not answer PING within 10 s: " + log());
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Stops Redis after writing its data to disk, so that {@link #startAgain()} brings the data back. */
    public void stopSaving() {
        shutdown("SAVE");
    }

    /** Stops Redis and throws its data away, so that {@link #startAgain()} starts empty. */
    public void stopEmpty() {
        shutdown("NOSAVE");
        try {
            Files.deleteIfExists(dir.resolve("dump.rdb"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void shutdown(String mode) {
        try {
            command("SHUTDOWN", mode);
        } catch (UncheckedIOException expected) {
            // the connection closes as Redis exits
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts Redis again on the same port and directory (with the saved data, if any). */
    public void startAgain() {
        boot();
    }

    /** Sends one command and returns the first line of the reply (e.g. {@code +OK}, {@code :3}, {@code $5}). */
    public String command(String... words) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("*").append(words.length).append("\r\n");
            for (String word : words) {
                request.append('$').append(word.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(word).append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\r') {
                line.write(b);
            }
            if (b == -1 && line.size() == 0) {
                throw new UncheckedIOException(new IOException("connection closed"));
            }
            return line.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one command whose reply is a bulk string and returns that string. */
    public String bulk(String... words) {
        return bulkAt(port, words);
    }

    /** As {@link #bulk}, to any Redis (or Sentinel) on a loopback port. */
    static String bulkAt(int port, String... words) {
        return bulkAtAuthenticated(port, null, words);
    }

    /** As {@link #bulk}, to a Redis (or Sentinel) that requires a password ({@code AUTH} first), or none when null. */
    static String bulkAtAuthenticated(int port, String password, String... words) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            StringBuilder request = new StringBuilder();
            if (password != null) {
                appendCommand(request, "AUTH", password);
            }
            appendCommand(request, words);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
            java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
            if (password != null) {
                String authorised = readLine(in);
                if (!authorised.equals("+OK")) {
                    return authorised;
                }
            }
            String header = readLine(in);
            if (!header.startsWith("$")) {
                return header;
            }
            int length = Integer.parseInt(header.substring(1));
            if (length < 0) {
                return null;
            }
            byte[] body = new byte[length];
            in.readFully(body);
            return new String(body, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void appendCommand(StringBuilder request, String... words) {
        request.append('*').append(words.length).append("\r\n");
        for (String word : words) {
            request.append('$').append(word.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(word).append("\r\n");
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\r') {
            line.write(b);
        }
        in.read(); // the \n
        return line.toString(StandardCharsets.UTF_8);
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Kills Redis at once (SIGKILL), as a crash or a lost machine would: nothing is saved or flushed. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops (SIGSTOP) or continues (SIGCONT) the process: a server that hangs without closing its connections. */
    public void signal(String name) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp directory
        }
    }
}
