package dev.tern.http;

import dev.tern.config.BrowserConfig;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;

import java.util.Set;

/**
 * Cross-origin access for browsers, on every endpoint: the configured origins (default any, never with
 * credentials: Tern's tokens travel in the Authorization header or the query, not in cookies), the methods and
 * headers Tern's API uses, and preflights answered for ten minutes.
 */
public final class CorsPolicy {
    private static final int PREFLIGHT_MAX_AGE_SECONDS = 600;

    private CorsPolicy() {
    }

    public static Handler<RoutingContext> handler(BrowserConfig config) {
        CorsHandler cors = CorsHandler.create()
                .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE,
                        HttpMethod.OPTIONS))
                .allowedHeaders(Set.of("Authorization", "Content-Type", "Last-Event-ID"))
                .exposedHeaders(Set.of("Retry-After"))
                .allowCredentials(false)
                .maxAgeSeconds(PREFLIGHT_MAX_AGE_SECONDS);
        if (config.allowsAnyOrigin()) {
            cors.addOrigin(BrowserConfig.ANY_ORIGIN);
            return cors;
        }
        cors.addOrigins(config.corsAllowedOrigins());
        return ctx -> {
            // The answer now depends on the Origin header: shared caches must not serve one origin's answer to another.
            ctx.response().headers().add("Vary", "Origin");
            if (isSameOrigin(ctx.request())) {
                ctx.next(); // the console page served by Tern itself
            } else {
                cors.handle(ctx);
            }
        };
    }

    /** A browser sends Origin also to its own origin (POST, WebSocket); those requests need no permission. */
    static boolean isSameOrigin(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        String host = request.getHeader("Host");
        return origin != null && host != null && origin.equalsIgnoreCase(request.scheme() + "://" + host);
    }
}
