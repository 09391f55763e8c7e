package dev.tern.http.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.topic.StartPosition;

import java.util.Iterator;
import java.util.Set;

/**
 * A request on a multi-topic WebSocket: {@code {"subscribe":{"topic":"a"}}} (optionally with
 * {@code "sequence_number"} and {@code "sequence_page"} to resume), {@code {"subscribe":{"prefix":"room-"}}},
 * {@code {"unsubscribe":{"topic":"a"}}} or {@code {"unsubscribe":{"prefix":"room-"}}}; each optionally with
 * {@code "request_id"} (a string or integer the answer repeats).
 */
record MultiTopicRequest(boolean subscribe, String topic, String prefix, StartPosition from, JsonNode requestId) {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String USAGE = "expected {\"subscribe\":{\"topic\":\"...\"}}, {\"subscribe\":{\"prefix\":\"...\"}}, "
            + "or the same with unsubscribe";
    private static final Set<String> SUBSCRIBE_FIELDS = Set.of("topic", "prefix", "sequence_number", "sequence_page");

    static MultiTopicRequest parse(String frame) {
        JsonNode root;
        try {
            root = MAPPER.readTree(frame);
        } catch (JsonProcessingException e) {
            throw new PublishRequest.Malformed(null, "frame is not JSON; " + USAGE);
        }
        if (root == null || !root.isObject()) {
            throw new PublishRequest.Malformed(null, "frame must be a JSON object; " + USAGE);
        }
        JsonNode requestId = root.get("request_id");
        if (requestId != null && !requestId.isTextual() && !requestId.isIntegralNumber()) {
            throw new PublishRequest.Malformed(null, "request_id must be a string or an integer");
        }
        for (Iterator<String> fields = root.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!field.equals("subscribe") && !field.equals("unsubscribe") && !field.equals("request_id")) {
                throw new PublishRequest.Malformed(requestId, "unknown field " + field + "; " + USAGE);
            }
        }
        JsonNode subscribe = root.get("subscribe");
        JsonNode unsubscribe = root.get("unsubscribe");
        if ((subscribe == null) == (unsubscribe == null)) {
            throw new PublishRequest.Malformed(requestId, USAGE);
        }
        JsonNode body = subscribe != null ? subscribe : unsubscribe;
        if (!body.isObject()) {
            throw new PublishRequest.Malformed(requestId, USAGE);
        }
        for (Iterator<String> fields = body.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!SUBSCRIBE_FIELDS.contains(field) || (unsubscribe != null && field.startsWith("sequence_"))) {
                throw new PublishRequest.Malformed(requestId, "unknown field " + field + "; " + USAGE);
            }
        }
        String topic = text(body, "topic", requestId);
        String prefix = text(body, "prefix", requestId);
        if ((topic == null) == (prefix == null)) {
            throw new PublishRequest.Malformed(requestId, "name exactly one of topic and prefix");
        }
        long sequence = number(body, "sequence_number", requestId);
        long page = number(body, "sequence_page", requestId);
        if (prefix != null && (sequence > 0 || page > 0)) {
            throw new PublishRequest.Malformed(requestId, "a prefix subscription takes no resume position");
        }
        StartPosition from = sequence > 0 ? new StartPosition(sequence, page) : null;
        return new MultiTopicRequest(subscribe != null, topic, prefix, from, requestId);
    }

    private static String text(JsonNode body, String field, JsonNode requestId) {
        JsonNode value = body.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw new PublishRequest.Malformed(requestId, field + " must be a string");
        }
        return value.textValue();
    }

    private static long number(JsonNode body, String field, JsonNode requestId) {
        JsonNode value = body.get(field);
        if (value == null) {
            return 0;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0
                || value.longValue() == Long.MAX_VALUE) {
            throw new PublishRequest.Malformed(requestId, field + " must be a non-negative integer");
        }
        return value.longValue();
    }
}
