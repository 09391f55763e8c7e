package dev.tern.http;

import dev.tern.config.BrowserConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Cross-origin access for browsers, the one rule for every endpoint (HTTP API and gRPC-Web): the configured origins
 * (default any, never with credentials: Tern's tokens travel in the Authorization header or the query, not in
 * cookies), and preflights answered for ten minutes. A request from Tern's own origin (the console page) needs no
 * permission; a request without {@code Origin} (curl, SDKs, servers) is not a CORS request at all.
 */
public final class CorsPolicy {
    private static final String PREFLIGHT_MAX_AGE_SECONDS = "600";
    private static final String API_METHODS = "GET, POST, PUT, DELETE, OPTIONS";
    private static final String API_HEADERS = "Authorization, Content-Type, Last-Event-ID, Idempotency-Key";
    private static final String API_EXPOSED_HEADERS = "Retry-After, " + PublishPositionHeaders.EXPOSED;

    private final BrowserConfig config;

    public CorsPolicy(BrowserConfig config) {
        this.config = config;
    }

    /**
     * Applies the policy to an HTTP API request. Returns true when the request goes on to its route (with the
     * response headers a browser needs); false when it was answered here: a preflight, or 403 for a refused origin.
     */
    boolean admit(HttpServerRequest request, HttpErrors errors) {
        if (request.getHeader(HttpHeaders.ORIGIN) == null) {
            if (!config.allowsAnyOrigin()) {
                varyByOrigin(request.response()); // a shared cache must not serve this answer to a browser
            }
            return true; // not a CORS request: curl, SDKs, servers
        }
        String allowed = allowedOrigin(request);
        if (isPreflight(request)) {
            answerPreflight(request, allowed, API_METHODS, API_HEADERS);
            return false;
        }
        if (allowed != null) {
            allow(request.response(), allowed, API_EXPOSED_HEADERS);
            return true;
        }
        if (isSameOrigin(request)) {
            return true;
        }
        errors.sendStatus(request.response(), 403);
        return false;
    }

    /** The headers that let a browser script read an answer from an allowed origin, and the ones it names. */
    public static void allow(HttpServerResponse response, String allowedOrigin, String exposedHeaders) {
        response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, allowedOrigin)
                .putHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, exposedHeaders);
    }

    /**
     * The Access-Control-Allow-Origin value for this request, or null when it has no Origin or its origin is not
     * allowed. With a list of origins the answer depends on the Origin header, so shared caches are told so.
     */
    public String allowedOrigin(HttpServerRequest request) {
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null) {
            return null;
        }
        if (config.allowsAnyOrigin()) {
            return BrowserConfig.ANY_ORIGIN;
        }
        varyByOrigin(request.response());
        return config.corsAllowedOrigins().contains(origin) ? origin : null;
    }

    /** With a list of origins, an answer differs by the request's Origin, and caches must be told so. */
    private static void varyByOrigin(HttpServerResponse response) {
        response.headers().add(HttpHeaders.VARY, "Origin");
    }

    /** Answers a preflight: 204 with what the endpoint allows, or 403 when the origin is not allowed. */
    public void answerPreflight(HttpServerRequest request, String allowedOrigin, String methods, String headers) {
        HttpServerResponse response = request.response();
        if (allowedOrigin == null) {
            response.setStatusCode(403).end();
            return;
        }
        response.setStatusCode(204)
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, allowedOrigin)
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, methods)
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, headers)
                .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, PREFLIGHT_MAX_AGE_SECONDS)
                .end();
    }

    public static boolean isPreflight(HttpServerRequest request) {
        return request.method() == HttpMethod.OPTIONS
                && request.getHeader(HttpHeaders.ORIGIN) != null
                && request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null;
    }

    /** A browser sends Origin also to its own origin (POST, WebSocket); those requests need no permission. */
    static boolean isSameOrigin(HttpServerRequest request) {
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        String host = request.getHeader(HttpHeaders.HOST);
        return origin != null && host != null && origin.equalsIgnoreCase(request.scheme() + "://" + host);
    }
}
