package dev.tern.http.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.error.TernException;
import dev.tern.topic.TopicValue;

import java.util.Base64;
import java.util.Iterator;

/**
 * A publish sent over a topic WebSocket: {@code {"publish":{"text":"..."}}} or
 * {@code {"publish":{"binary":"<base64>"}}}, optionally with {@code "request_id"} (a string or number the answer
 * repeats, so a client can match answers to requests) and {@code "idempotency_key"} (a repeat within the window
 * answers the first publish's position and publishes nothing).
 */
record PublishRequest(TopicValue value, JsonNode requestId, String idempotencyKey) {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String USAGE = "expected {\"publish\":{\"text\":\"...\"}} or {\"publish\":{\"binary\":\"<base64>\"}}";

    /** Parses a text frame; a malformed one is a 400 that still carries the request id when it could be read. */
    static PublishRequest parse(String frame) {
        JsonNode root;
        try {
            root = MAPPER.readTree(frame);
        } catch (JsonProcessingException e) {
            throw new Malformed(null, "frame is not JSON; " + USAGE);
        }
        if (root == null || !root.isObject()) {
            throw new Malformed(null, "frame must be a JSON object; " + USAGE);
        }
        JsonNode requestId = root.get("request_id");
        if (requestId != null && !requestId.isTextual() && !requestId.isIntegralNumber()) {
            throw new Malformed(null, "request_id must be a string or an integer");
        }
        for (Iterator<String> fields = root.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!field.equals("publish") && !field.equals("request_id") && !field.equals("idempotency_key")) {
                throw new Malformed(requestId, "unknown field " + field + "; " + USAGE);
            }
        }
        JsonNode keyNode = root.get("idempotency_key");
        if (keyNode != null && !keyNode.isTextual()) {
            throw new Malformed(requestId, "idempotency_key must be a string");
        }
        String idempotencyKey = keyNode == null ? null : keyNode.textValue();
        JsonNode publish = root.get("publish");
        if (publish == null || !publish.isObject() || publish.size() != 1) {
            throw new Malformed(requestId, USAGE);
        }
        JsonNode text = publish.get("text");
        if (text != null) {
            if (!text.isTextual()) {
                throw new Malformed(requestId, "publish.text must be a string");
            }
            return new PublishRequest(TopicValue.text(text.textValue()), requestId, idempotencyKey);
        }
        JsonNode binary = publish.get("binary");
        if (binary == null || !binary.isTextual()) {
            throw new Malformed(requestId, USAGE);
        }
        try {
            return new PublishRequest(TopicValue.binary(Base64.getDecoder().decode(binary.textValue())), requestId,
                    idempotencyKey);
        } catch (IllegalArgumentException e) {
            throw new Malformed(requestId, "publish.binary must be base64 (RFC 4648, with padding)");
        }
    }

    /** A frame that is not a valid publish request. */
    static final class Malformed extends RuntimeException {
        final transient JsonNode requestId;
        final TernException error;

        Malformed(JsonNode requestId, String message) {
            super(message, null, false, false);
            this.requestId = requestId;
            this.error = TernException.badRequest(message);
        }
    }
}
