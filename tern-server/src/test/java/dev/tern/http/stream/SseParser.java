package dev.tern.http.stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * An event-stream parser that follows the WHATWG HTML "Server-sent events" interpretation rules, as an EventSource
 * does: lines end with CR LF, LF or CR; {@code :} starts a comment; one space after the colon is dropped; {@code data}
 * lines are joined with LF; an event is dispatched at a blank line only if data was seen; {@code id} sets the last
 * event id (kept across events); unknown fields are ignored by EventSource, and here also reported for inspection.
 */
final class SseParser {

    /** A dispatched event, as EventSource would hand it over, plus the fields EventSource ignores. */
    record Event(String type, String data, String lastEventId, Map<String, String> otherFields) {
    }

    interface Handler {
        void onEvent(Event event);

        void onComment(String comment);

        void onRetry(long millis);
    }

    private final Handler handler;
    private final StringBuilder data = new StringBuilder();
    private final Map<String, String> otherFields = new HashMap<>();
    private String eventType = "";
    private String lastEventId = "";
    private boolean firstLine = true;

    SseParser(Handler handler) {
        this.handler = handler;
    }

    /** Reads the stream to its end, calling the handler for each event, comment and retry. */
    void readAll(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean lastWasCr = false;
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n' && lastWasCr) {
                lastWasCr = false;
                continue;
            }
            lastWasCr = b == '\r';
            if (b == '\r' || b == '\n') {
                line(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }

    private void line(String text) {
        if (firstLine && text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        firstLine = false;
        if (text.isEmpty()) {
            dispatch();
            return;
        }
        if (text.startsWith(":")) {
            handler.onComment(text.substring(1).stripLeading());
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> eventType = value;
            case "data" -> data.append(value).append('\n');
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
                    handler.onRetry(Long.parseLong(value));
                }
            }
            default -> otherFields.put(field, value);
        }
    }

    private void dispatch() {
        if (data.length() == 0) {
            eventType = "";
            otherFields.clear();
            return;
        }
        data.setLength(data.length() - 1);
        handler.onEvent(new Event(eventType.isEmpty() ? "message" : eventType, data.toString(), lastEventId,
                Map.copyOf(otherFields)));
        data.setLength(0);
        eventType = "";
        otherFields.clear();
    }
}
