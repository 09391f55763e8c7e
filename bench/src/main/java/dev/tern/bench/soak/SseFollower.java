package dev.tern.bench.soak;

import dev.tern.bench.SseParser;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;

/**
 * Server-Sent Events ({@code Accept: text/event-stream}): resumes as an EventSource does, with
 * {@code Last-Event-ID: page:sequence} of the last message; the first connection asks for message 1.
 * Ends by the server come as an {@code end} event naming the reason.
 */
final class SseFollower extends Follower {
    private HttpConnection connection;
    private Follower.End announcedEnd;
    private String announcedDetail;

    SseFollower(String cache, int topic, SoakClients clients) {
        super("SSE", cache, topic, clients);
    }

    @Override
    protected void open(int generation, String token) {
        String lastEventId = check.lastEventId();
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET)
                .setURI(topicPath() + (lastEventId == null ? "?sequence_number=1" : ""))
                .putHeader("Accept", "text/event-stream").putHeader("Authorization", token);
        if (lastEventId != null) {
            request.putHeader("Last-Event-ID", lastEventId);
        }
        announcedEnd = null;
        clients.streams.request(request).compose(r -> r.send()).onComplete(ar -> {
            if (ar.failed()) {
                ended(generation, End.UNEXPECTED, "connect: " + ar.cause());
                return;
            }
            HttpClientResponse response = ar.result();
            synchronized (this) {
                connection = response.request().connection();
            }
            if (response.statusCode() != 200) {
                response.body().onComplete(body -> ended(generation, refusal(response.statusCode()),
                        "HTTP " + response.statusCode() + " " + (body.succeeded() ? body.result() : "")));
                return;
            }
            Events events = new Events();
            response.handler(events.parser::feed);
            response.exceptionHandler(e -> ended(generation, End.UNEXPECTED, "stream: " + e));
            response.endHandler(v -> ended(generation, announcedEnd == null ? End.UNEXPECTED : announcedEnd,
                    announcedEnd == null ? "stream ended without an end event" : announcedDetail));
            response.request().connection().closeHandler(v -> ended(generation,
                    announcedEnd == null ? End.UNEXPECTED : announcedEnd,
                    announcedEnd == null ? "connection closed without an end event" : announcedDetail));
            live(generation);
        });
    }

    /** The stream's parser and what it dispatches. */
    private final class Events implements SseParser.Listener {
        final SseParser parser = new SseParser(this);

        @Override
        public void onEvent(String event, byte[] data, int length) {
            SseFollower.this.onEvent(parser.lastEventId(), event, data, length);
        }
    }

    private void onEvent(String id, String event, byte[] data, int length) {
        switch (event) {
            case "text": {
                int colon = id.indexOf(':');
                check.item(Long.parseLong(id.substring(0, colon)), Long.parseLong(id.substring(colon + 1)), data, 0, length);
                break;
            }
            case "discontinuity": {
                JsonObject d = new JsonObject(new String(data, 0, length, StandardCharsets.UTF_8));
                check.discontinuity(d.getLong("last_topic_sequence"), d.getLong("new_topic_sequence"),
                        d.getLong("new_sequence_page"));
                break;
            }
            case "end": {
                String json = new String(data, 0, length, StandardCharsets.UTF_8);
                String reason = new JsonObject(json).getString("reason", "");
                announcedEnd = reason.equals("credential_expired") ? End.TOKEN_EXPIRED
                        : reason.equals("cache_deleted") ? End.CACHE_DELETED : End.UNEXPECTED;
                announcedDetail = "end " + json;
                break;
            }
            default:
                break;
        }
    }

    static End refusal(int status) {
        return status == 401 ? End.TOKEN_EXPIRED : status == 404 ? End.CACHE_DELETED : End.UNEXPECTED;
    }

    @Override
    protected synchronized void close(int generation) {
        if (connection != null) {
            connection.close();
        }
    }
}
