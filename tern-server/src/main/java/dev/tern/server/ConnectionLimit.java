package dev.tern.server;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code --max-connections}: open client connections across all listeners. A connection beyond the bound is not
 * dropped silently: its first request is answered 503 with a message naming the limit, and the connection closed,
 * so that clients (and the SDKs, which read 503 as UNAVAILABLE) retry later or elsewhere.
 */
final class ConnectionLimit {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<HttpConnection> refused = ConcurrentHashMap.newKeySet();

    ConnectionLimit(int max) {
        this.max = max;
    }

    /** Counts a new connection, marked refused when it is one too many. */
    void opened(HttpConnection connection) {
        if (open.incrementAndGet() > max) {
            refused.add(connection);
        }
        connection.closeHandler(v -> {
            open.decrementAndGet();
            refused.remove(connection);
        });
    }

    /** Answers the request 503 and closes its connection when that connection is beyond the bound; else false. */
    boolean refuse(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        if (connection == null || !refused.contains(connection)) {
            return false;
        }
        request.response().setStatusCode(503)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .putHeader(HttpHeaders.RETRY_AFTER, "1")
                .end("this server holds its limit of " + max + " connections (--max-connections); retry later\n")
                .onComplete(done -> connection.close());
        return true;
    }

    int open() {
        return open.get();
    }
}
