package dev.tern.server;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

import java.util.concurrent.TimeUnit;

/**
 * One HTTP listener on one event loop. Several are deployed on the same port; Vert.x spreads connections across
 * them so that every event loop serves clients.
 */
final class HttpVerticle extends VerticleBase {
    /** How long in-flight requests get to finish when the server stops. */
    private static final long SHUTDOWN_GRACE_SECONDS = 2;

    private final HttpServerOptions options;
    private final Handler<HttpServerRequest> handler;
    private final ConnectionLimit connections;
    private HttpServer server;

    HttpVerticle(HttpServerOptions options, Handler<HttpServerRequest> handler, ConnectionLimit connections) {
        this.options = options;
        this.handler = handler;
        this.connections = connections;
    }

    @Override
    public Future<?> start() {
        server = vertx.createHttpServer(options)
                .connectionHandler(connections::opened)
                .requestHandler(request -> {
                    if (!connections.refuse(request)) {
                        handler.handle(request);
                    }
                });
        return server.listen();
    }

    @Override
    public Future<?> stop() {
        return server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    int actualPort() {
        return server.actualPort();
    }
}
