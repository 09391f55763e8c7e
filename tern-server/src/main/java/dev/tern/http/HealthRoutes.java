package dev.tern.http;

import dev.tern.metrics.TernMetrics;
import io.vertx.ext.web.RoutingContext;

import java.util.function.BooleanSupplier;

/** {@code /livez}, {@code /readyz} and {@code /metrics}; no token needed. */
final class HealthRoutes {
    private final BooleanSupplier ready;
    private final TernMetrics metrics;

    HealthRoutes(BooleanSupplier ready, TernMetrics metrics) {
        this.ready = ready;
        this.metrics = metrics;
    }

    void live(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "text/plain").end("ok\n");
    }

    void ready(RoutingContext ctx) {
        boolean isReady = ready.getAsBoolean();
        ctx.response().setStatusCode(isReady ? 200 : 503)
                .putHeader("Content-Type", "text/plain")
                .end(isReady ? "ready\n" : "not ready\n");
    }

    void metrics(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
    }
}
