package dev.tern.http;

import dev.tern.auth.Authorizer;
import dev.tern.auth.TokenIssuer;
import dev.tern.cache.CacheRegistry;
import dev.tern.cache.TopicLimits;
import dev.tern.config.BrowserConfig;
import dev.tern.console.ConsolePage;
import dev.tern.http.stream.SseRoute;
import dev.tern.http.stream.WebSocketRoute;
import dev.tern.metrics.TernMetrics;
import dev.tern.pubsub.TopicGateway;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Every HTTP route of Tern, in one place. */
public final class HttpApi {
    private static final long CONTROL_BODY_LIMIT = 64 * 1024;

    /** What the routes need from the rest of the server. */
    public record Dependencies(Vertx vertx, TopicGateway gateway, CacheRegistry caches, Authorizer authorizer,
                               TokenIssuer tokenIssuer, TernMetrics metrics, TopicLimits defaultLimits,
                               Duration longPollTimeout, boolean accessLog, BooleanSupplier ready,
                               BrowserConfig browser) {
    }

    private HttpApi() {
    }

    /** The handler of every HTTP API request: the front door, then the topic endpoint or the router. */
    public static Handler<HttpServerRequest> handler(Dependencies deps) {
        HttpErrors errors = new HttpErrors(deps.metrics());
        TopicEndpoint topics = new TopicEndpoint(
                new PublishRoute(deps.gateway(), errors),
                new WebSocketRoute(deps.vertx(), deps.gateway(), deps.metrics(), errors, deps.browser()),
                new SseRoute(deps.vertx(), deps.gateway(), deps.metrics(), deps.browser()),
                new LongPollRoute(deps.vertx(), deps.gateway(), errors, deps.longPollTimeout()),
                errors);
        return new FrontDoor(deps.accessLog(), new CorsPolicy(deps.browser()), errors, topics, router(deps, errors));
    }

    /** Everything but the topics: the control plane, health, metrics and the console. */
    private static Router router(Dependencies deps, HttpErrors errors) {
        Router router = Router.router(deps.vertx());
        CacheRoutes caches = new CacheRoutes(deps.caches(), deps.gateway(), deps.authorizer(), deps.defaultLimits());
        TokenRoutes tokens = new TokenRoutes(deps.gateway(), deps.tokenIssuer());
        HealthRoutes health = new HealthRoutes(deps.ready(), deps.metrics());

        // Body handlers only where a body is read: on a GET or DELETE, Vert.x's would fail a multipart content type
        // with an exception, a 500 (found by HttpPortFuzzTest).
        router.get("/caches").handler(caches::list);
        router.put("/caches/:name").handler(BodyHandler.create(false).setBodyLimit(CONTROL_BODY_LIMIT)).handler(caches::create);
        router.delete("/caches/:name").handler(caches::delete);

        router.post("/tokens").handler(BodyHandler.create(false).setBodyLimit(CONTROL_BODY_LIMIT)).handler(tokens::mint);

        router.route(HttpMethod.GET, "/livez").handler(health::live);
        router.route(HttpMethod.GET, "/readyz").handler(health::ready);
        router.route(HttpMethod.GET, "/metrics").handler(health::metrics);

        ConsolePage.mount(router);

        router.route().failureHandler(errors::handle);
        return router;
    }
}
