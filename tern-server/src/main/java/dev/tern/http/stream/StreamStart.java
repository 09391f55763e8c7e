package dev.tern.http.stream;

import dev.tern.error.TernException;
import dev.tern.http.QueryParams;
import dev.tern.topic.StartPosition;
import io.vertx.core.http.HttpServerRequest;

/**
 * Where a streaming subscriber starts. A {@code Last-Event-ID: <page>:<sequence>} header (sent by a reconnecting
 * EventSource) names the last event the client saw, so the stream continues after it; it wins over the query, which
 * an EventSource repeats unchanged on every reconnect. Otherwise {@code sequence_number} (the next one wanted) and
 * {@code sequence_page}, as for the long poll; neither means live only.
 */
public final class StreamStart {
    static final String LAST_EVENT_ID = "Last-Event-ID";

    private StreamStart() {
    }

    public static StartPosition of(HttpServerRequest request) {
        String lastEventId = request.getHeader(LAST_EVENT_ID);
        if (lastEventId != null && !lastEventId.isBlank()) {
            return afterEventId(lastEventId.trim());
        }
        return new StartPosition(QueryParams.nonNegativeLong(request, "sequence_number"),
                QueryParams.nonNegativeLong(request, "sequence_page"));
    }

    /** The position after the event with this id ({@code <page>:<sequence>}, as Tern writes them). */
    static StartPosition afterEventId(String eventId) {
        int colon = eventId.indexOf(':');
        if (colon > 0) {
            try {
                long page = Long.parseLong(eventId.substring(0, colon));
                long sequence = Long.parseLong(eventId.substring(colon + 1));
                if (page >= 0 && sequence >= 0 && sequence < Long.MAX_VALUE) {
                    return new StartPosition(sequence + 1, page);
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw TernException.badRequest("Last-Event-ID must be <sequence_page>:<topic_sequence_number> as sent by Tern");
    }

    /** The event id of a position: the page and the last sequence number delivered. */
    static String eventId(long page, long sequence) {
        return page + ":" + sequence;
    }
}
