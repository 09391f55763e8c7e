package dev.tern.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tern.auth.Principal;
import dev.tern.cache.ResourceNames;
import dev.tern.error.TernException;
import dev.tern.pubsub.IdempotentPublisher;
import dev.tern.pubsub.TopicGateway;
import dev.tern.topic.PublishReceipt;
import dev.tern.topic.TopicKey;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /caches/{cacheName}/batch}: many publishes in one request (see {@link BatchRequest}). Each item goes
 * through the same checks as a single publish (permission, size, rate, idempotency key), so each has its own
 * answer; the request as a whole answers 200 with one result per item, in the order of the items. Items to one
 * topic are published one after the other, in order; different topics proceed side by side.
 */
final class BatchPublishRoute {
    private final TopicGateway gateway;
    private final IdempotentPublisher publisher;
    private final HttpErrors errors;

    BatchPublishRoute(TopicGateway gateway, IdempotentPublisher publisher, HttpErrors errors) {
        this.gateway = gateway;
        this.publisher = publisher;
        this.errors = errors;
    }

    void handle(HttpServerRequest request, String cacheName) {
        RequestBody.read(request, BatchRequest.MAX_BODY_BYTES).onComplete(body -> publish(request, cacheName, body),
                failure -> errors.fail(request, failure));
    }

    private void publish(HttpServerRequest request, String cacheName, Buffer body) {
        try {
            String credential = RequestCredential.of(request);
            ResourceNames.requireCacheName(cacheName);
            Principal principal = gateway.authenticate(credential);
            String contentType = request.getHeader("Content-Type");
            boolean ndjson = contentType != null
                    && contentType.toLowerCase(Locale.ROOT).startsWith(BatchRequest.NDJSON);
            List<BatchRequest.Item> items = BatchRequest.parse(cacheName, body, ndjson).items();
            List<Future<PublishReceipt>> results = new ArrayList<>(items.size());
            Map<TopicKey, Future<?>> topicTails = new HashMap<>();
            for (BatchRequest.Item item : items) {
                if (item.error() != null) {
                    results.add(Future.failedFuture(item.error()));
                    continue;
                }
                Future<?> tail = topicTails.getOrDefault(item.topic(), Future.succeededFuture());
                Future<PublishReceipt> result = tail.transform(previous -> publishOne(principal, item));
                topicTails.put(item.topic(), result);
                results.add(result);
            }
            Future.join(results).onComplete(all -> answer(request, items, results));
        } catch (RuntimeException e) {
            errors.fail(request, e);
        }
    }

    private Future<PublishReceipt> publishOne(Principal principal, BatchRequest.Item item) {
        try {
            return publisher.publish(principal, item.topic(), item.value(), item.idempotencyKey());
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    /** {@code {"results":[{"topic":..,"topic_sequence_number":..,"sequence_page":..} or {"topic":..,"error":{..}}]}}. */
    private void answer(HttpServerRequest request, List<BatchRequest.Item> items, List<Future<PublishReceipt>> results) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * items.size());
        try (JsonGenerator json = JsonBodies.JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeArrayFieldStart("results");
            for (int i = 0; i < items.size(); i++) {
                json.writeStartObject();
                if (items.get(i).topicName() != null) {
                    json.writeStringField("topic", items.get(i).topicName());
                }
                Future<PublishReceipt> result = results.get(i);
                if (result.succeeded()) {
                    json.writeNumberField("topic_sequence_number", result.result().sequenceNumber());
                    json.writeNumberField("sequence_page", result.result().sequencePage());
                } else {
                    TernException error = TernException.from(result.cause());
                    errors.count(error, result.cause());
                    json.writeObjectFieldStart("error");
                    json.writeNumberField("status", HttpErrors.status(error.kind()));
                    json.writeStringField("message", error.getMessage());
                    if (error.retryAfterSeconds() > 0) {
                        json.writeNumberField("retry_after_seconds", error.retryAfterSeconds());
                    }
                    json.writeEndObject();
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            errors.fail(request, e);
            return;
        }
        request.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(out.toByteArray()));
    }
}
