package dev.tern.http;

import dev.tern.auth.ApiKeys;
import dev.tern.auth.Authorizer;
import dev.tern.auth.SigningKeys;
import dev.tern.auth.TokenIssuer;
import dev.tern.cache.CacheRegistry;
import dev.tern.cache.TopicLimits;
import dev.tern.config.BrowserConfig;
import dev.tern.console.ConsolePage;
import dev.tern.http.stream.MultiTopicSseRoute;
import dev.tern.http.stream.MultiTopicWebSocketRoute;
import dev.tern.console.DashboardPage;
import dev.tern.http.stream.SseRoute;
import dev.tern.http.stream.WebSocketRoute;
import dev.tern.metrics.TernMetrics;
import dev.tern.pubsub.IdempotentPublisher;
import dev.tern.pubsub.TopicGateway;
import dev.tern.webhook.WebhookDispatcher;
import dev.tern.webhook.WebhookRegistry;
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
                               TokenIssuer tokenIssuer, ApiKeys apiKeys, SigningKeys signingKeys, TernMetrics metrics, TopicLimits defaultLimits,
                               Duration longPollTimeout, boolean accessLog, BooleanSupplier ready,
                               BrowserConfig browser, WebhookRegistry webhooks, WebhookDispatcher webhookDispatcher,
                               IdempotentPublisher idempotentPublisher) {
    }

    private HttpApi() {
    }

    /** The handler of every HTTP API request: the front door, then the topic endpoint or the router. */
    public static Handler<HttpServerRequest> handler(Dependencies deps) {
        HttpErrors errors = new HttpErrors(deps.metrics());
        TopicEndpoint topics = new TopicEndpoint(
                new PublishRoute(deps.gateway(), deps.idempotentPublisher(), errors),
                new WebSocketRoute(deps.vertx(), deps.gateway(), deps.idempotentPublisher(), deps.metrics(), errors,
                        deps.browser()),
                new SseRoute(deps.vertx(), deps.gateway(), deps.metrics(), deps.browser()),
                new LongPollRoute(deps.vertx(), deps.gateway(), errors, deps.longPollTimeout()),
                errors);
        return new FrontDoor(deps.accessLog(), new CorsPolicy(deps.browser()), errors, topics, router(deps, errors));
    }

    /** Everything but the topics: the control plane, health, metrics and the console. */
    private static Router router(Dependencies deps, HttpErrors errors) {
        Router router = Router.router(deps.vertx());
        CacheRoutes caches = new CacheRoutes(deps.caches(), deps.gateway(), deps.authorizer(), deps.defaultLimits());
        TokenRoutes tokens = new TokenRoutes(deps.gateway(), deps.tokenIssuer(), deps.apiKeys());
        ApiKeyRoutes apiKeys = new ApiKeyRoutes(deps.gateway(), deps.apiKeys());
        SigningKeyRoutes signingKeys = new SigningKeyRoutes(deps.gateway(), deps.authorizer(), deps.signingKeys());
        HealthRoutes health = new HealthRoutes(deps.ready(), deps.metrics());

        // Data-plane routes under /caches read their bodies themselves, with their own limits.
        BatchPublishRoute batch = new BatchPublishRoute(deps.gateway(), deps.idempotentPublisher(), errors);
        router.post("/caches/:name/batch").handler(ctx -> batch.handle(ctx.request(), ctx.pathParam("name")));
        MultiTopicSseRoute events = new MultiTopicSseRoute(deps.vertx(), deps.gateway(), deps.metrics(), deps.browser());
        router.get("/caches/:name/events").handler(ctx -> events.handle(ctx.request(), ctx.pathParam("name")));
        MultiTopicWebSocketRoute socket = new MultiTopicWebSocketRoute(deps.vertx(), deps.gateway(), deps.metrics(),
                errors, deps.browser());
        router.get("/caches/:name/socket").handler(ctx -> socket.handle(ctx.request(), ctx.pathParam("name")));

        // Body handlers only where a body is read: on a GET or DELETE, Vert.x's would fail a multipart content type
        // with an exception, a 500 (found by HttpPortFuzzTest).
        router.get("/caches").handler(caches::list);
        router.put("/caches/:name").handler(BodyHandler.create(false).setBodyLimit(CONTROL_BODY_LIMIT)).handler(caches::create);
        router.delete("/caches/:name").handler(caches::delete);
        TopicIntrospectionRoutes topicInsight = new TopicIntrospectionRoutes(deps.gateway());
        router.get("/caches/:name/topics").handler(topicInsight::list);
        router.get("/caches/:name/topics/:topic").handler(topicInsight::one);

        WebhookRoutes webhooks = new WebhookRoutes(deps.webhooks(), deps.webhookDispatcher(), deps.gateway(), deps.authorizer());
        router.get("/caches/:cache/webhooks").handler(webhooks::list);
        router.put("/caches/:cache/webhooks/:name").handler(BodyHandler.create(false).setBodyLimit(CONTROL_BODY_LIMIT))
                .handler(webhooks::put);
        router.get("/caches/:cache/webhooks/:name").handler(webhooks::get);
        router.delete("/caches/:cache/webhooks/:name").handler(webhooks::delete);
        router.get("/caches/:cache/webhooks/:name/secret").handler(webhooks::secret);
        router.post("/caches/:cache/webhooks/:name/secret/rotate").handler(webhooks::rotate);

        router.post("/tokens").handler(BodyHandler.create(false).setBodyLimit(CONTROL_BODY_LIMIT)).handler(tokens::mint);
        router.post("/tokens/revoke").handler(BodyHandler.create(false).setBodyLimit(CONTROL_BODY_LIMIT)).handler(tokens::revoke);

        router.post("/api-keys").handler(BodyHandler.create(false).setBodyLimit(CONTROL_BODY_LIMIT)).handler(apiKeys::create);
        router.get("/api-keys").handler(apiKeys::list);
        router.post("/api-keys/refresh").handler(BodyHandler.create(false).setBodyLimit(CONTROL_BODY_LIMIT))
                .handler(apiKeys::refresh);
        router.delete("/api-keys/:id").handler(apiKeys::revoke);

        router.get("/signing-keys").handler(signingKeys::list);
        router.post("/signing-keys/rotate").handler(BodyHandler.create(false).setBodyLimit(CONTROL_BODY_LIMIT))
                .handler(signingKeys::rotate);

        router.route(HttpMethod.GET, "/livez").handler(health::live);
        router.route(HttpMethod.GET, "/readyz").handler(health::ready);
        router.route(HttpMethod.GET, "/metrics").handler(health::metrics);

        ConsolePage.mount(router);
        DashboardPage.mount(router);

        router.route().failureHandler(errors::handle);
        return router;
    }
}
