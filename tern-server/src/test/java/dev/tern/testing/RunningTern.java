package dev.tern.testing;

import dev.tern.cli.ServeCommand;
import dev.tern.config.TernConfig;
import dev.tern.server.TernServer;
import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Tern server for black-box tests: started in-process on a free loopback port with its own data directory,
 * configured with the same flags as {@code tern serve}. Close it (try-with-resources or @AfterEach).
 */
public final class RunningTern implements AutoCloseable {
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final String[] flags;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TernServer server;

    private RunningTern(Path dataDir, boolean ownsDataDir, String... flags) {
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.flags = flags;
    }

    /** Starts a server with a fresh data directory and the given extra {@code tern serve} flags. */
    public static RunningTern start(String... flags) {
        try {
            RunningTern tern = new RunningTern(Files.createTempDirectory("tern-test"), true, flags);
            tern.boot();
            return tern;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a server on an existing data directory (e.g. to test what survives a restart). */
    public static RunningTern startOn(Path dataDir, String... flags) {
        RunningTern tern = new RunningTern(dataDir, false, flags);
        tern.boot();
        return tern;
    }

    public static TernConfig config(String... flags) {
        ServeCommand serve = new ServeCommand();
        // The fixture's own flags come first; a test's flag (e.g. --access-log true) overrides them.
        new CommandLine(serve).setOverwrittenOptionsAllowed(true).parseArgs(flags);
        return serve.toConfig();
    }

    private void boot() {
        List<String> all = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0",
                "--data-dir", dataDir.toString(), "--access-log", "false"));
        all.addAll(Arrays.asList(flags));
        try {
            server = TernServer.start(config(all.toArray(String[]::new)))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Tern did not start", e);
        }
    }

    /** Stops the server (gracefully) and starts a new one on the same data directory and flags. */
    public void restart() {
        stopServer();
        boot();
    }

    public int port() {
        return server.port();
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    public Path dataDir() {
        return dataDir;
    }

    public TernServer server() {
        return server;
    }

    public String superUserKey() {
        return server.superUserKey();
    }

    public HttpClient http() {
        return http;
    }

    /** Sends a request with the super-user key as the Authorization header. */
    public HttpResponse<String> send(String method, String pathAndQuery, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", superUserKey())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates a cache with the super-user key; fails the test unless the server answers 201. */
    public void createCache(String name) {
        createCache(name, null);
    }

    public void createCache(String name, String limitsJson) {
        HttpResponse<String> response = send("PUT", "/caches/" + name, "application/json", limitsJson);
        if (response.statusCode() != 201) {
            throw new AssertionError("creating cache " + name + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** Mints a disposable token from a JSON request body; returns the whole v1 token. */
    public String mintToken(String requestJson) {
        HttpResponse<String> response = send("POST", "/tokens", "application/json", requestJson);
        if (response.statusCode() != 200) {
            throw new AssertionError("minting a token answered " + response.statusCode() + ": " + response.body());
        }
        String body = response.body();
        int start = body.indexOf("\"token\":\"") + 9;
        return body.substring(start, body.indexOf('"', start));
    }

    private void stopServer() {
        if (server != null) {
            try {
                server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("Tern did not stop", e);
            }
            server = null;
        }
    }

    @Override
    public void close() {
        stopServer();
        if (ownsDataDir) {
            deleteRecursively(dataDir);
        }
    }

    private static void deleteRecursively(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp directory
        }
    }
}
