package dev.tern.cli;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** How a client command reaches a running server. */
public final class ClientOptions {
    @Option(names = "--url", defaultValue = "http://localhost:8080",
            description = "Server URL (default: ${DEFAULT-VALUE}; env TERN_URL).")
    String url;

    @Option(names = "--token", description = "Token to send (env TERN_TOKEN); default: the super-user key in --data-dir.")
    String token;

    @Option(names = "--data-dir", defaultValue = "./data",
            description = "Data directory holding superuser-api-key, used when no --token is given (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    URI baseUri() {
        return URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    }

    String token() {
        if (token != null && !token.isBlank()) {
            return token.trim();
        }
        Path keyFile = dataDir.resolve("superuser-api-key");
        if (!Files.exists(keyFile)) {
            throw new IllegalStateException("no token: pass --token or TERN_TOKEN, or run where " + keyFile + " exists");
        }
        try {
            return Files.readString(keyFile).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
