package dev.tern.http.stream;

import dev.tern.auth.Principal;
import dev.tern.cache.ResourceNames;
import dev.tern.config.BrowserConfig;
import dev.tern.error.TernException;
import dev.tern.http.HttpErrors;
import dev.tern.http.RequestCredential;
import dev.tern.metrics.TernMetrics;
import dev.tern.pubsub.Heartbeats;
import dev.tern.pubsub.TopicGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code GET /caches/{cacheName}/socket} with a WebSocket upgrade: one socket, many topics of the cache, chosen with
 * {@code subscribe} and {@code unsubscribe} requests (see {@link MultiTopicWebSocketSession}). The token is checked
 * at the handshake; a refused one still completes the handshake and is closed with an error frame and a close code,
 * as on a topic WebSocket.
 */
public final class MultiTopicWebSocketRoute {
    private final Heartbeats keepalives;
    private final TopicGateway gateway;
    private final HttpErrors errors;
    private final TernMetrics metrics;
    private final BrowserConfig settings;

    public MultiTopicWebSocketRoute(Vertx vertx, TopicGateway gateway, TernMetrics metrics, HttpErrors errors,
                                    BrowserConfig settings) {
        this.keepalives = new Heartbeats(vertx, settings.webSocketPingInterval());
        this.gateway = gateway;
        this.errors = errors;
        this.metrics = metrics;
        this.settings = settings;
    }

    public void handle(HttpServerRequest request, String cacheName) {
        if (!request.canUpgradeToWebSocket()) {
            throw TernException.badRequest("this endpoint is a WebSocket: send an upgrade request");
        }
        Principal principal = null;
        TernException refused = null;
        try {
            String credential = RequestCredential.of(request);
            ResourceNames.requireCacheName(cacheName);
            principal = gateway.authenticate(credential);
        } catch (TernException e) {
            refused = e;
        }
        Principal admitted = principal;
        TernException refusal = refused;
        request.toWebSocket().onComplete(upgraded -> {
            if (upgraded.failed()) {
                if (!request.response().headWritten()) {
                    errors.sendStatus(request.response(), 400);
                }
                return;
            }
            MultiTopicWebSocketSession session = new MultiTopicWebSocketSession(keepalives, gateway, metrics, settings,
                    upgraded.result(), cacheName);
            if (refusal != null) {
                session.refuse(refusal);
            } else {
                session.start(admitted);
            }
        });
    }
}
