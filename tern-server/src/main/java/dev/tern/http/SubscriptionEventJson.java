package dev.tern.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tern.topic.Discontinuity;
import dev.tern.topic.SubscriptionEvent;
import dev.tern.topic.TopicItem;
import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Subscription events in Momento's JSON shape (proto field names, numbers as numbers):
 * {@code {"item":{"topic_sequence_number":1,"sequence_page":3,"value":{"text":"hi"},"publisher_id":"x"}}},
 * {@code {"discontinuity":{"last_topic_sequence":..,"new_topic_sequence":..,"new_sequence_page":..}}},
 * {@code {"heartbeat":{}}}. Binary values are base64.
 */
public final class SubscriptionEventJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private SubscriptionEventJson() {
    }

    /** {@code {"items":[event, ...]}}: the long-poll answer. */
    public static Buffer items(List<SubscriptionEvent> events) {
        return write(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("items");
            for (SubscriptionEvent event : events) {
                writeEvent(json, event);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    /** One event as a JSON object. */
    public static Buffer event(SubscriptionEvent event) {
        return write(json -> writeEvent(json, event));
    }

    private static void writeEvent(JsonGenerator json, SubscriptionEvent event) throws IOException {
        json.writeStartObject();
        if (event instanceof TopicItem item) {
            json.writeObjectFieldStart("item");
            json.writeNumberField("topic_sequence_number", item.sequenceNumber());
            json.writeNumberField("sequence_page", item.sequencePage());
            json.writeObjectFieldStart("value");
            if (item.value().isText()) {
                json.writeStringField("text", item.value().text());
            } else {
                json.writeFieldName("binary");
                json.writeBinary(item.value().bytes());
            }
            json.writeEndObject();
            if (item.publisherId() != null) {
                json.writeStringField("publisher_id", item.publisherId());
            }
        } else if (event instanceof Discontinuity gap) {
            json.writeObjectFieldStart("discontinuity");
            json.writeNumberField("last_topic_sequence", gap.lastSequence());
            json.writeNumberField("new_topic_sequence", gap.newSequence());
            json.writeNumberField("new_sequence_page", gap.newSequencePage());
        } else {
            json.writeObjectFieldStart("heartbeat");
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    private interface JsonWriter {
        void write(JsonGenerator json) throws IOException;
    }

    private static Buffer write(JsonWriter writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            writer.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Buffer.buffer(out.toByteArray());
    }
}
