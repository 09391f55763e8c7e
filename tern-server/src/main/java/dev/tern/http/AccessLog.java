package dev.tern.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
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

    static void handle(RoutingContext ctx) {
        long started = System.nanoTime();
        HttpServerRequest request = ctx.request();
        ctx.addBodyEndHandler(v -> LOG.info("{} {} {} {} {} {}ms",
                request.remoteAddress() == null ? "-" : request.remoteAddress().hostAddress(),
                request.method(), request.path(), ctx.response().getStatusCode(),
                ctx.response().bytesWritten(), (System.nanoTime() - started) / 1_000_000));
        ctx.next();
    }
}
