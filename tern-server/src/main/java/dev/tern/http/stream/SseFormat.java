package dev.tern.http.stream;

import dev.tern.error.TernException;

/** How an event stream encodes events, chosen with {@code ?format=}. */
enum SseFormat {
    /**
     * The default: {@code event: text|binary|discontinuity}, the value itself in {@code data:} lines, the publisher
     * in a {@code publisher_id:} field line (EventSource ignores unknown fields; raw parsers can read it).
     */
    EVENTS,
    /**
     * {@code ?format=json}: no {@code event:} field, so every event reaches {@code EventSource.onmessage}; the data
     * is one JSON object in the long-poll item shape ({@code {"item":{...}}}, {@code {"discontinuity":{...}}}),
     * which carries the publisher id and keeps text byte-exact.
     */
    JSON;

    static SseFormat of(String query) {
        if (query == null || query.isEmpty() || query.equals("events")) {
            return EVENTS;
        }
        if (query.equals("json")) {
            return JSON;
        }
        throw TernException.badRequest("format must be events (the default) or json");
    }
}
