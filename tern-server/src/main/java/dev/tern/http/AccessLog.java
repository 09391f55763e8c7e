package dev.tern.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request: client, method, path, status, bytes, milliseconds; with {@code --log-format json} each is
 * also a field of its own. The path is logged without its query, so a {@code ?token=} never reaches the log.
 */
final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("dev.tern.access");

    private AccessLog() {
    }

    /** Logs the request once its response is complete. */
    static void track(HttpServerRequest request) {
        long started = System.nanoTime();
        HttpServerResponse response = request.response();
        response.bodyEndHandler(v -> {
            String client = request.remoteAddress() == null ? "-" : request.remoteAddress().hostAddress();
            String method = request.method().name();
            String path = request.path();
            int status = response.getStatusCode();
            long bytes = response.bytesWritten();
            long millis = (System.nanoTime() - started) / 1_000_000;
            LOG.atInfo().addKeyValue("client", client).addKeyValue("method", method).addKeyValue("path", path)
                    .addKeyValue("status", status).addKeyValue("bytes", bytes).addKeyValue("ms", millis)
                    .log("{} {} {} {} {} {}ms", client, method, path, status, bytes, millis);
        });
    }
}
