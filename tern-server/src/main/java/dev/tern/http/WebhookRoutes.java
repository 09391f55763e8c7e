package dev.tern.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.auth.Authorizer;
import dev.tern.error.TernException;
import dev.tern.pubsub.TopicGateway;
import dev.tern.webhook.RetrySchedule;
import dev.tern.webhook.Webhook;
import dev.tern.webhook.WebhookDispatcher;
import dev.tern.webhook.WebhookRegistry;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The webhooks of a cache: {@code PUT/GET/DELETE /caches/{cache}/webhooks/{name}}, {@code GET /caches/{cache}/webhooks},
 * {@code GET .../secret} and {@code POST .../secret/rotate}; super-user only. Listing shows each webhook's delivery
 * state; the secret is shown only by PUT and the secret endpoints.
 */
final class WebhookRoutes {
    private static final Set<String> FIELDS = Set.of("topic", "url", "retry");
    private static final Set<String> RETRY_FIELDS = Set.of("initial_backoff_ms", "max_backoff_ms");

    private final WebhookRegistry webhooks;
    private final WebhookDispatcher dispatcher;
    private final TopicGateway gateway;
    private final Authorizer authorizer;

    WebhookRoutes(WebhookRegistry webhooks, WebhookDispatcher dispatcher, TopicGateway gateway, Authorizer authorizer) {
        this.webhooks = webhooks;
        this.dispatcher = dispatcher;
        this.gateway = gateway;
        this.authorizer = authorizer;
    }

    void put(RoutingContext ctx) {
        requireSuperUser(ctx);
        JsonNode body = JsonBodies.read(ctx);
        if (!body.isObject()) {
            throw TernException.badRequest("the body must be a JSON object with topic and url");
        }
        body.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                throw TernException.badRequest("unknown field " + field + "; expected topic, url and retry");
            }
        });
        String topic = text(body, "topic");
        String url = text(body, "url");
        RetrySchedule retry = retry(body.get("retry"));
        String cache = ctx.pathParam("cache");
        String name = ctx.pathParam("name");
        answer(ctx, () -> {
            String secret = webhooks.put(cache, name, topic, url, retry);
            Map<String, Object> view = view(webhooks.require(cache, name));
            view.put("secret", secret);
            return view;
        });
    }

    void list(RoutingContext ctx) {
        requireSuperUser(ctx);
        String cache = ctx.pathParam("cache");
        answer(ctx, () -> Map.of("webhooks", webhooks.list(cache).stream().map(this::view).toList()));
    }

    void get(RoutingContext ctx) {
        requireSuperUser(ctx);
        String cache = ctx.pathParam("cache");
        String name = ctx.pathParam("name");
        answer(ctx, () -> view(webhooks.require(cache, name)));
    }

    void delete(RoutingContext ctx) {
        requireSuperUser(ctx);
        String cache = ctx.pathParam("cache");
        String name = ctx.pathParam("name");
        ctx.vertx().executeBlocking(() -> {
            webhooks.delete(cache, name);
            return null;
        }, false).onComplete(done -> {
            if (done.succeeded()) {
                ctx.response().setStatusCode(204).end();
            } else {
                ctx.fail(done.cause());
            }
        });
    }

    void secret(RoutingContext ctx) {
        requireSuperUser(ctx);
        String cache = ctx.pathParam("cache");
        String name = ctx.pathParam("name");
        answer(ctx, () -> Map.of("secret", webhooks.require(cache, name).secret()));
    }

    void rotate(RoutingContext ctx) {
        requireSuperUser(ctx);
        String cache = ctx.pathParam("cache");
        String name = ctx.pathParam("name");
        answer(ctx, () -> Map.of("secret", webhooks.rotateSecret(cache, name)));
    }

    private Map<String, Object> view(Webhook webhook) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("cache", webhook.cacheName());
        view.put("name", webhook.name());
        view.put("topic", webhook.topicName());
        view.put("url", webhook.url());
        view.put("created_at", webhook.createdAtEpochSeconds());
        RetrySchedule retry = dispatcher.schedule(webhook);
        Map<String, Object> retryView = new LinkedHashMap<>();
        retryView.put("initial_backoff_ms", retry.initialBackoffMillis());
        retryView.put("max_backoff_ms", retry.maxBackoffMillis());
        retryView.put("server_default", webhook.retry() == null);
        view.put("retry", retryView);
        view.put("delivery", dispatcher.status(webhook));
        return view;
    }

    /** Runs registry work off the event loop (it may wait on disk, Redis or DNS), then answers 200 with its JSON. */
    private static void answer(RoutingContext ctx, Callable<Object> work) {
        ctx.vertx().executeBlocking(work, false).onComplete(done -> {
            if (done.succeeded()) {
                JsonBodies.send(ctx, 200, done.result());
            } else {
                ctx.fail(done.cause());
            }
        });
    }

    private void requireSuperUser(RoutingContext ctx) {
        authorizer.requireSuperUser(gateway.authenticate(RequestCredential.of(ctx.request())));
    }

    /** The webhook's own retry schedule: absent or null for the server's, else both fields, whole milliseconds. */
    private static RetrySchedule retry(JsonNode retry) {
        if (retry == null || retry.isNull()) {
            return null;
        }
        if (!retry.isObject()) {
            throw TernException.badRequest("retry must be an object with initial_backoff_ms and max_backoff_ms");
        }
        retry.fieldNames().forEachRemaining(field -> {
            if (!RETRY_FIELDS.contains(field)) {
                throw TernException.badRequest("unknown field retry." + field
                        + "; expected initial_backoff_ms and max_backoff_ms");
            }
        });
        return RetrySchedule.requireValid(millis(retry, "initial_backoff_ms"), millis(retry, "max_backoff_ms"));
    }

    private static long millis(JsonNode retry, String field) {
        JsonNode value = retry.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw TernException.badRequest("retry." + field + " is required and must be a whole number of milliseconds");
        }
        return value.asLong();
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual()) {
            throw TernException.badRequest(field + " is required and must be a string");
        }
        return value.asText();
    }
}
