package dev.tern.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request: client, method, path, status, bytes, milliseconds. The path is logged without its query,
 * so a {@code ?token=} never reaches the log.
 */
final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("dev.tern.access");

    private AccessLog() {
    }

    /** Logs the request once its response is complete. */
    static void track(HttpServerRequest request) {
        long started = System.nanoTime();
        HttpServerResponse response = request.response();
        response.bodyEndHandler(v -> LOG.info("{} {} {} {} {} {}ms",
                request.remoteAddress() == null ? "-" : request.remoteAddress().hostAddress(),
                request.method(), request.path(), response.getStatusCode(),
                response.bytesWritten(), (System.nanoTime() - started) / 1_000_000));
    }
}
