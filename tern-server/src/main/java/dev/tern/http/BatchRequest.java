package dev.tern.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.error.TernException;
import dev.tern.pubsub.TopicGateway;
import dev.tern.topic.TopicKey;
import dev.tern.topic.TopicValue;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The items of a batch publish: a JSON array of {@code {"topic":..,"text":..}} or {@code {"topic":..,"binary":..}}
 * objects, each with an optional {@code "idempotency_key"}, or the same objects one per line (NDJSON). A body that
 * is not such a list is refused whole (400, or 413 beyond {@link #MAX_ITEMS}); an item that is malformed is refused
 * alone, and the others are published.
 */
record BatchRequest(List<Item> items) {
    /** Most items one batch may carry. */
    static final int MAX_ITEMS = 1000;
    /** Largest batch body: room for a few of the largest messages a cache may allow, base64-encoded. */
    static final long MAX_BODY_BYTES = 4L * 1024 * 1024;
    static final String NDJSON = "application/x-ndjson";
    private static final Set<String> FIELDS = Set.of("topic", "text", "binary", "idempotency_key");

    /** One item: either what to publish, or why it cannot be published. */
    record Item(String topicName, TopicKey topic, TopicValue value, String idempotencyKey, TernException error) {
        static Item refused(String topicName, TernException error) {
            return new Item(topicName, null, null, null, error);
        }
    }

    static BatchRequest parse(String cacheName, Buffer body, boolean ndjson) {
        List<JsonNode> nodes = ndjson ? ndjsonLines(body) : jsonArray(body);
        if (nodes.isEmpty()) {
            throw TernException.badRequest("a batch needs at least one item");
        }
        if (nodes.size() > MAX_ITEMS) {
            throw TernException.tooMany("items", MAX_ITEMS);
        }
        List<Item> items = new ArrayList<>(nodes.size());
        for (JsonNode node : nodes) {
            items.add(item(cacheName, node));
        }
        return new BatchRequest(items);
    }

    private static List<JsonNode> jsonArray(Buffer body) {
        JsonNode root;
        try {
            root = JsonBodies.JSON.readTree(body.getBytes());
        } catch (java.io.IOException e) {
            throw TernException.badRequest("batch body is not valid JSON (send a JSON array, or NDJSON with "
                    + "Content-Type: " + NDJSON + ")");
        }
        if (root == null || !root.isArray()) {
            throw TernException.badRequest("batch body must be a JSON array of {\"topic\":..,\"text\":..} items");
        }
        List<JsonNode> nodes = new ArrayList<>(root.size());
        root.forEach(nodes::add);
        return nodes;
    }

    /** One item per non-blank line; a line that is not JSON becomes a refused item (null here). */
    private static List<JsonNode> ndjsonLines(Buffer body) {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : body.toString(StandardCharsets.UTF_8).split("\r?\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (nodes.size() == MAX_ITEMS) {
                throw TernException.tooMany("items", MAX_ITEMS);
            }
            try {
                nodes.add(JsonBodies.JSON.readTree(line));
            } catch (JsonProcessingException e) {
                nodes.add(null);
            }
        }
        return nodes;
    }

    private static Item item(String cacheName, JsonNode node) {
        if (node == null || !node.isObject()) {
            return Item.refused(null, TernException.badRequest("an item must be a JSON object"));
        }
        JsonNode topicNode = node.get("topic");
        String topicName = topicNode != null && topicNode.isTextual() ? topicNode.textValue() : null;
        try {
            for (Iterator<String> fields = node.fieldNames(); fields.hasNext(); ) {
                String field = fields.next();
                if (!FIELDS.contains(field)) {
                    throw TernException.badRequest("unknown field " + field + "; expected topic, text or binary, "
                            + "and optionally idempotency_key");
                }
            }
            if (topicName == null) {
                throw TernException.badRequest("topic must be a string");
            }
            TopicKey topic = TopicGateway.topicKey(cacheName, topicName);
            JsonNode key = node.get("idempotency_key");
            if (key != null && !key.isTextual()) {
                throw TernException.badRequest("idempotency_key must be a string");
            }
            return new Item(topicName, topic, value(node), key == null ? null : key.textValue(), null);
        } catch (TernException e) {
            return Item.refused(topicName, e);
        }
    }

    private static TopicValue value(JsonNode node) {
        JsonNode text = node.get("text");
        JsonNode binary = node.get("binary");
        if ((text == null) == (binary == null)) {
            throw TernException.badRequest("an item needs exactly one of text and binary");
        }
        if (text != null) {
            if (!text.isTextual()) {
                throw TernException.badRequest("text must be a string");
            }
            return TopicValue.text(text.textValue());
        }
        if (!binary.isTextual()) {
            throw TernException.badRequest("binary must be a base64 string");
        }
        try {
            return TopicValue.binary(Base64.getDecoder().decode(binary.textValue()));
        } catch (IllegalArgumentException e) {
            throw TernException.badRequest("binary must be base64 (RFC 4648, with padding)");
        }
    }
}
