package dev.tern.http.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tern.http.SubscriptionEventJson;
import dev.tern.topic.Discontinuity;
import dev.tern.topic.SubscriptionEvent;
import dev.tern.topic.TopicItem;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * Server-Sent Events framing (WHATWG HTML, "Server-sent events"). Every frame ends with a blank line; text values
 * are split into one {@code data:} line per line, so that an EventSource joins them back with LF.
 */
final class SseFrames {
    private static final JsonFactory JSON = new JsonFactory();
    private static final SseFrame HEARTBEAT = SseFrame.constant(": heartbeat\n\n");
    private static final LastFrameMemo<SubscriptionEvent, SseFrame> EVENTS_MEMO = new LastFrameMemo<>(SseFrame::release);
    private static final LastFrameMemo<SubscriptionEvent, SseFrame> JSON_MEMO = new LastFrameMemo<>(SseFrame::release);

    private SseFrames() {
    }

    /** The first bytes of a stream: the reconnection delay hint and a comment, which flushes the headers. */
    static Buffer preamble(long retryMillis) {
        return Buffer.buffer("retry: " + retryMillis + "\n: connected\n\n");
    }

    static SseFrame heartbeat() {
        return HEARTBEAT;
    }

    /** An item or a discontinuity (heartbeats are comments, see {@link #heartbeat()}). */
    static SseFrame event(SubscriptionEvent event, SseFormat format) {
        return format == SseFormat.JSON
                ? JSON_MEMO.get(event, SseFrames::encodeJson)
                : EVENTS_MEMO.get(event, SseFrames::encodeEvents);
    }

    /** The last frame of a stream the server ends: why, as JSON ({@code event: end}, or {@code {"end":...}}). */
    static Buffer end(String reason, int status, String message, SseFormat format) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("reason", reason);
            if (status > 0) {
                json.writeNumberField("status", status);
                json.writeStringField("message", message);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return format == SseFormat.JSON
                ? Buffer.buffer("data: {\"end\":" + out + "}\n\n")
                : Buffer.buffer("event: end\ndata: " + out + "\n\n");
    }

    private static SseFrame encodeJson(SubscriptionEvent event) {
        StringBuilder frame = new StringBuilder(256);
        appendId(frame, event);
        frame.append("data: ").append(SubscriptionEventJson.event(event).toString()).append("\n\n");
        return SseFrame.of(frame.toString());
    }

    private static SseFrame encodeEvents(SubscriptionEvent event) {
        StringBuilder frame = new StringBuilder(256);
        appendId(frame, event);
        if (event instanceof TopicItem item) {
            frame.append("event: ").append(item.value().isText() ? "text" : "binary").append('\n');
            if (item.publisherId() != null) {
                frame.append("publisher_id: ").append(singleLine(item.publisherId())).append('\n');
            }
            if (item.value().isText()) {
                appendDataLines(frame, item.value().text());
            } else {
                frame.append("data: ").append(Base64.getEncoder().encodeToString(item.value().bytes())).append('\n');
            }
        } else if (event instanceof Discontinuity gap) {
            frame.append("event: discontinuity\ndata: {\"last_topic_sequence\":").append(gap.lastSequence())
                    .append(",\"new_topic_sequence\":").append(gap.newSequence())
                    .append(",\"new_sequence_page\":").append(gap.newSequencePage()).append("}\n");
        }
        return SseFrame.of(frame.append('\n').toString());
    }

    /**
     * The id of an item is its own position; that of a discontinuity is the position just before the next item, so
     * that a client reconnecting right after it does not hear of the same gap twice.
     */
    private static void appendId(StringBuilder frame, SubscriptionEvent event) {
        if (event instanceof TopicItem item) {
            frame.append("id: ").append(StreamStart.eventId(item.sequencePage(), item.sequenceNumber())).append('\n');
        } else if (event instanceof Discontinuity gap) {
            frame.append("id: ").append(StreamStart.eventId(gap.newSequencePage(), gap.newSequence() - 1)).append('\n');
        }
    }

    /** One {@code data:} line per line of text; CR LF, CR and LF all end a line, as the SSE parser reads them. */
    static void appendDataLines(StringBuilder frame, String text) {
        int start = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                frame.append("data: ").append(text, start, i).append('\n');
                if (c == '\r' && i + 1 < length && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        frame.append("data: ").append(text, start, length).append('\n');
    }

    private static String singleLine(String value) {
        return value.replace("\r", "").replace("\n", "");
    }
}
