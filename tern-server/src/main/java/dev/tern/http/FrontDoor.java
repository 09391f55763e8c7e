package dev.tern.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;

/**
 * Every HTTP API request comes in here and passes the rules that hold for all of them, in order: the access log,
 * CORS, a decodable query string (and, for the router, a decodable path). Then the topic endpoint takes {@code /topics/...}, and the router the rest (the
 * control plane, health, metrics, the console).
 */
final class FrontDoor implements Handler<HttpServerRequest> {
    private final boolean accessLog;
    private final CorsPolicy cors;
    private final HttpErrors errors;
    private final TopicEndpoint topics;
    private final Router router;

    FrontDoor(boolean accessLog, CorsPolicy cors, HttpErrors errors, TopicEndpoint topics, Router router) {
        this.accessLog = accessLog;
        this.cors = cors;
        this.errors = errors;
        this.topics = topics;
        this.router = router;
    }

    @Override
    public void handle(HttpServerRequest request) {
        if (accessLog) {
            AccessLog.track(request);
        }
        if (!cors.admit(request, errors)) {
            return;
        }
        try {
            QueryParams.requireDecodable(request);
        } catch (RuntimeException e) {
            errors.fail(request, e);
            return;
        }
        if (TopicEndpoint.owns(request.path())) {
            topics.handle(request);
            return;
        }
        try {
            PathEncoding.requireDecodable(request.path());
        } catch (RuntimeException e) {
            errors.fail(request, e);
            return;
        }
        router.handle(request);
    }
}
