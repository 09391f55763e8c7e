package dev.tern.http;

import dev.tern.http.stream.SseRoute;
import dev.tern.http.stream.WebSocketRoute;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code /topics/{cacheName}/{topicName}}, the data plane: POST publishes; GET subscribes by WebSocket upgrade, by
 * {@code Accept: text/event-stream}, or else by long poll. Served straight from the request, without the router:
 * these are the requests a busy server sees most, and an open stream keeps nothing of the router alive.
 */
final class TopicEndpoint {
    private final PublishRoute publish;
    private final WebSocketRoute webSocket;
    private final SseRoute eventStream;
    private final LongPollRoute longPoll;
    private final HttpErrors errors;

    TopicEndpoint(PublishRoute publish, WebSocketRoute webSocket, SseRoute eventStream, LongPollRoute longPoll,
                  HttpErrors errors) {
        this.publish = publish;
        this.webSocket = webSocket;
        this.eventStream = eventStream;
        this.longPoll = longPoll;
        this.errors = errors;
    }

    /** True for the paths this endpoint owns, malformed topic paths included (they get a 400, not a 404). */
    static boolean owns(String path) {
        return path.startsWith(TopicPath.PREFIX) || path.equals("/topics");
    }

    void handle(HttpServerRequest request) {
        try {
            if (request.method() == HttpMethod.POST) {
                publish.handle(request);
            } else if (request.method() == HttpMethod.GET) {
                subscribe(request);
            } else {
                errors.sendStatus(request.response(), 405);
            }
        } catch (RuntimeException e) {
            errors.fail(request, e);
        }
    }

    private void subscribe(HttpServerRequest request) {
        if (WebSocketRoute.accepts(request)) {
            webSocket.handle(request);
        } else if (SseRoute.accepts(request)) {
            eventStream.handle(request);
        } else {
            longPoll.handle(request);
        }
    }
}
