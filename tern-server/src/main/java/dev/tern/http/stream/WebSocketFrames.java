package dev.tern.http.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.error.TernException;
import dev.tern.http.HttpErrors;
import dev.tern.http.SubscriptionEventJson;
import dev.tern.topic.PublishReceipt;
import dev.tern.topic.SubscriptionEvent;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The text frames Tern sends on a topic WebSocket, one JSON object each: subscription events in the long-poll item
 * shape ({@code item}, {@code discontinuity}, {@code heartbeat}), and the answers to publish requests
 * ({@code published}, {@code error}).
 */
final class WebSocketFrames {
    private static final JsonFactory JSON = new JsonFactory();
    private static final LastFrameMemo<SubscriptionEvent, String> EVENT_MEMO = new LastFrameMemo<>();
    static final String HEARTBEAT = "{\"heartbeat\":{}}";
    private static final LastFrameMemo<SubscriptionEvent, ByteBuf> WIRE_MEMO = new LastFrameMemo<>(ByteBuf::release);
    private static final ByteBuf HEARTBEAT_WIRE = Unpooled.unreleasableBuffer(
            textFrame(HEARTBEAT, Unpooled.directBuffer()).asReadOnly());

    private WebSocketFrames() {
    }

    static String event(SubscriptionEvent event) {
        return EVENT_MEMO.get(event, e -> SubscriptionEventJson.event(e).toString());
    }

    /**
     * The event as a whole WebSocket text frame, as a server sends it (unmasked), shared by every socket of the
     * topic on this event loop until the next event replaces it: writers take their own reference.
     */
    static ByteBuf eventFrame(SubscriptionEvent event) {
        return WIRE_MEMO.get(event, e -> textFrame(event(e), ByteBufAllocator.DEFAULT.directBuffer()));
    }

    /** {@link #HEARTBEAT} as a whole text frame; never released. */
    static ByteBuf heartbeatFrame() {
        return HEARTBEAT_WIRE;
    }

    /** RFC 6455 section 5.2: FIN and the text opcode, the payload length in 7, 7+16 or 7+64 bits, no mask. */
    private static ByteBuf textFrame(String text, ByteBuf out) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        out.writeByte(0x81);
        if (payload.length < 126) {
            out.writeByte(payload.length);
        } else if (payload.length < 65536) {
            out.writeByte(126).writeShort(payload.length);
        } else {
            out.writeByte(127).writeLong(payload.length);
        }
        return out.writeBytes(payload);
    }

    static String published(PublishReceipt receipt, JsonNode requestId) {
        return write(json -> {
            json.writeObjectFieldStart("published");
            json.writeNumberField("topic_sequence_number", receipt.sequenceNumber());
            json.writeNumberField("sequence_page", receipt.sequencePage());
            writeRequestId(json, requestId);
            json.writeEndObject();
        });
    }

    static String error(TernException error, JsonNode requestId) {
        return write(json -> {
            json.writeObjectFieldStart("error");
            json.writeNumberField("status", HttpErrors.status(error.kind()));
            json.writeStringField("message", error.getMessage());
            if (error.retryAfterSeconds() > 0) {
                json.writeNumberField("retry_after_seconds", error.retryAfterSeconds());
            }
            writeRequestId(json, requestId);
            json.writeEndObject();
        });
    }

    private static void writeRequestId(JsonGenerator json, JsonNode requestId) throws IOException {
        if (requestId != null) {
            json.writeFieldName("request_id");
            if (requestId.isTextual()) {
                json.writeString(requestId.textValue());
            } else {
                json.writeNumber(requestId.bigIntegerValue());
            }
        }
    }

    private interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    private static String write(Body body) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            body.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
