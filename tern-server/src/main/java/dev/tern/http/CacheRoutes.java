package dev.tern.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.auth.Authorizer;
import dev.tern.cache.CacheInfo;
import dev.tern.cache.CachePage;
import dev.tern.cache.CacheRegistry;
import dev.tern.cache.TopicLimits;
import dev.tern.error.TernException;
import dev.tern.pubsub.TopicGateway;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code PUT /caches/{name}}, {@code GET /caches}, {@code DELETE /caches/{name}}; super-user only. */
final class CacheRoutes {
    private static final Set<String> LIMIT_FIELDS =
            Set.of("max_publish_rate", "max_subscription_count", "max_publish_message_size_kb", "max_topic_count");

    private final CacheRegistry caches;
    private final TopicGateway gateway;
    private final Authorizer authorizer;
    private final TopicLimits defaults;

    CacheRoutes(CacheRegistry caches, TopicGateway gateway, Authorizer authorizer, TopicLimits defaults) {
        this.caches = caches;
        this.gateway = gateway;
        this.authorizer = authorizer;
        this.defaults = defaults;
    }

    // The cache store may wait for its disk or for Redis, so its calls run off the event loop (executeBlocking).

    void create(RoutingContext ctx) {
        requireSuperUser(ctx);
        String name = ctx.pathParam("name");
        TopicLimits limits = limits(JsonBodies.read(ctx));
        ctx.vertx().executeBlocking(() -> caches.create(name, limits), false)
                .onSuccess(cache -> JsonBodies.send(ctx, 201, cache))
                .onFailure(ctx::fail);
    }

    /** {@code GET /caches[?limit=N][&next_token=T]}: a page of caches by name, and where the next one starts. */
    void list(RoutingContext ctx) {
        requireSuperUser(ctx);
        long limit = QueryParams.nonNegativeLong(ctx.request(), "limit");
        String nextToken = ctx.request().getParam("next_token");
        int size = limit == 0 ? CachePage.MAX_SIZE : (int) Math.min(limit, Integer.MAX_VALUE);
        ctx.vertx().executeBlocking(() -> caches.page(nextToken, size), false)
                .onSuccess(page -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("caches", page.caches());
                    if (page.nextToken() != null) {
                        body.put("next_token", page.nextToken());
                    }
                    JsonBodies.send(ctx, 200, body);
                })
                .onFailure(ctx::fail);
    }

    void delete(RoutingContext ctx) {
        requireSuperUser(ctx);
        String name = ctx.pathParam("name");
        ctx.vertx().executeBlocking(() -> {
            caches.delete(name);
            return null;
        }, false).onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
    }

    private void requireSuperUser(RoutingContext ctx) {
        authorizer.requireSuperUser(gateway.authenticate(RequestCredential.of(ctx.request())));
    }

    /** Limits from an optional JSON body; fields left out take the server's defaults. */
    private TopicLimits limits(JsonNode body) {
        if (body.isNull()) {
            return defaults;
        }
        if (!body.isObject()) {
            throw TernException.badRequest("the body must be a JSON object of topic limits");
        }
        body.fieldNames().forEachRemaining(field -> {
            if (!LIMIT_FIELDS.contains(field)) {
                throw TernException.badRequest("unknown field " + field + "; expected " + String.join(", ", LIMIT_FIELDS));
            }
        });
        return new TopicLimits(
                intField(body, "max_publish_rate", defaults.maxPublishRate()),
                intField(body, "max_subscription_count", defaults.maxSubscriptionCount()),
                intField(body, "max_publish_message_size_kb", defaults.maxPublishMessageSizeKb()),
                intField(body, "max_topic_count", defaults.maxTopicCount()));
    }

    private static int intField(JsonNode body, String name, int fallback) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw TernException.badRequest(name + " must be an integer");
        }
        return value.intValue();
    }
}
