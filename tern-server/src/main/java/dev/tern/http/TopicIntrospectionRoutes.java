package dev.tern.http;

import dev.tern.cache.ResourceNames;
import dev.tern.error.TernException;
import dev.tern.pubsub.TopicGateway;
import dev.tern.topic.SubscriberTransport;
import dev.tern.topic.TopicListing;
import dev.tern.topic.TopicSnapshot;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /caches/{cache}/topics} (the live topics, paged, by activity or by name) and
 * {@code GET /caches/{cache}/topics/{topic}}: what each topic is doing, for operators and the console's dashboard.
 * Readable with a super-user key or a token with a role over all topics of the cache.
 */
final class TopicIntrospectionRoutes {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    /** Most active first: publish rate, then subscribers, then the most recently published; names break ties. */
    private static final Comparator<TopicSnapshot> BY_ACTIVITY = Comparator
            .comparingDouble(TopicSnapshot::publishesPerSecond).reversed()
            .thenComparing(Comparator.comparingInt(TopicSnapshot::subscriberCount).reversed())
            .thenComparingLong(TopicSnapshot::idleMillis)
            .thenComparing(TopicSnapshot::topicName);

    private final TopicGateway gateway;

    TopicIntrospectionRoutes(TopicGateway gateway) {
        this.gateway = gateway;
    }

    void list(RoutingContext ctx) {
        String cache = ctx.pathParam("name");
        int limit = intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        Comparator<TopicSnapshot> order = switch (ctx.request().params().get("sort") == null ? "activity"
                : ctx.request().getParam("sort").toLowerCase(Locale.ROOT)) {
            case "activity" -> BY_ACTIVITY;
            case "name" -> Comparator.comparing(TopicSnapshot::topicName);
            default -> throw TernException.badRequest("sort must be activity or name");
        };
        topics(ctx, cache).compose(listing -> {
            List<TopicSnapshot> topics = new ArrayList<>(listing.topics());
            topics.sort(order);
            int from = Math.min(offset, topics.size());
            int to = Math.min(topics.size(), from + limit);
            return gateway.withStoredFigures(cache, topics.subList(from, to)).map(shown -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("cache", cache);
                body.put("scope", listing.scope());
                body.put("nodes", listing.nodes());
                body.put("total", topics.size());
                body.put("offset", from);
                body.put("limit", limit);
                if (to < topics.size()) {
                    body.put("next_offset", to);
                }
                body.put("topics", shown.stream().map(TopicIntrospectionRoutes::json).toList());
                return body;
            });
        }).onComplete(ar -> answer(ctx, ar));
    }

    void one(RoutingContext ctx) {
        String cache = ctx.pathParam("name");
        String topic = ResourceNames.requireTopicName(ctx.pathParam("topic"));
        topics(ctx, cache).compose(listing -> {
            TopicSnapshot found = listing.topics().stream().filter(t -> t.topicName().equals(topic)).findFirst()
                    .orElse(null);
            if (found == null) {
                return Future.failedFuture(TernException.topicNotFound(cache, topic));
            }
            return gateway.withStoredFigures(cache, List.of(found)).map(shown -> {
                Map<String, Object> body = json(shown.get(0));
                body.put("cache", cache);
                body.put("scope", listing.scope());
                body.put("nodes", listing.nodes());
                return body;
            });
        }).onComplete(ar -> answer(ctx, ar));
    }

    private static void answer(RoutingContext ctx, AsyncResult<Map<String, Object>> result) {
        if (result.failed()) {
            ctx.fail(result.cause());
        } else {
            JsonBodies.send(ctx, 200, result.result());
        }
    }

    private Future<TopicListing> topics(RoutingContext ctx, String cache) {
        return gateway.topics(gateway.authenticate(RequestCredential.of(ctx.request())), cache);
    }

    private static Map<String, Object> json(TopicSnapshot topic) {
        Map<String, Object> subscribers = new LinkedHashMap<>();
        subscribers.put("total", topic.subscriberCount());
        for (SubscriberTransport transport : SubscriberTransport.values()) {
            subscribers.put(transport.jsonName(), topic.subscribers().getOrDefault(transport, 0));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("topic", topic.topicName());
        json.put("subscribers", subscribers);
        json.put("sequence_page", known(topic.sequencePage()));
        json.put("last_sequence_number", known(topic.lastSequenceNumber()));
        json.put("history_messages", known(topic.historyMessages()));
        json.put("history_bytes", known(topic.historyBytes()));
        json.put("publishes_per_second", Math.round(topic.publishesPerSecond() * 1000) / 1000.0);
        json.put("idle_ms", topic.idleMillis());
        return json;
    }

    /** A figure, or null where the engine does not know it (e.g. a Redis topic whose keys expired meanwhile). */
    private static Long known(long figure) {
        return figure == TopicSnapshot.UNKNOWN ? null : figure;
    }

    private static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
        String value = ctx.request().getParam(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw TernException.badRequest(name + " must be an integer from " + min + " to " + max);
    }
}
