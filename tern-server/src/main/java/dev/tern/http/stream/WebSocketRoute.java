package dev.tern.http.stream;

import dev.tern.auth.Principal;
import dev.tern.cache.TopicLimits;
import dev.tern.config.BrowserConfig;
import dev.tern.error.TernException;
import dev.tern.http.HttpErrors;
import dev.tern.http.RequestCredential;
import dev.tern.http.TopicPath;
import dev.tern.metrics.TernMetrics;
import dev.tern.pubsub.Heartbeats;
import dev.tern.pubsub.IdempotentPublisher;
import dev.tern.pubsub.TopicGateway;
import dev.tern.topic.StartPosition;
import dev.tern.topic.TopicKey;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code GET /topics/{cacheName}/{topicName}} with a WebSocket upgrade: the topic as JSON frames, and publishing
 * through the same socket. A refused subscription still completes the handshake and is then closed with an error
 * frame and a close code (see {@link WebSocketCloseCodes}), because a browser cannot read a refused handshake's
 * HTTP status.
 */
public final class WebSocketRoute {
    /** Largest frame or message accepted from a client: a publish of the largest message a cache may allow, base64. */
    public static final int MAX_MESSAGE_BYTES = TopicLimits.MAX_MESSAGE_SIZE_KB * 1024 / 3 * 4 + 64 * 1024;

    /** Pings and idle heartbeats of every socket: one timer per event loop. */
    private final Heartbeats keepalives;
    private final TopicGateway gateway;
    private final IdempotentPublisher publisher;
    private final HttpErrors errors;
    private final TernMetrics metrics;
    private final BrowserConfig settings;

    public WebSocketRoute(Vertx vertx, TopicGateway gateway, IdempotentPublisher publisher, TernMetrics metrics,
                          HttpErrors errors, BrowserConfig settings) {
        this.publisher = publisher;
        this.keepalives = new Heartbeats(vertx, settings.webSocketPingInterval());
        this.errors = errors;
        this.gateway = gateway;
        this.metrics = metrics;
        this.settings = settings;
    }

    /** True for a request this route serves: a WebSocket handshake. */
    public static boolean accepts(HttpServerRequest request) {
        return request.canUpgradeToWebSocket();
    }

    public void handle(HttpServerRequest request) {
        String credential = null;
        TopicKey topic = null;
        StartPosition from = null;
        Principal principal = null;
        TernException refused = null;
        try {
            credential = RequestCredential.of(request);
            topic = TopicPath.parse(request.path());
            from = StreamStart.of(request);
            principal = gateway.authenticate(credential);
        } catch (TernException e) {
            refused = e;
        }
        Setup setup = new Setup(credential, topic, from, principal, refused);
        request.toWebSocket().onComplete(upgraded -> {
            if (upgraded.failed()) {
                if (!request.response().headWritten()) {
                    errors.sendStatus(request.response(), 400);
                }
                return;
            }
            WebSocketSession session = new WebSocketSession(keepalives, gateway, publisher, metrics, settings,
                    upgraded.result(), ChunkedConnectionOutput.attachWebSocket(request), setup.credential, setup.topic);
            if (setup.refused != null) {
                session.refuse(setup.refused);
            } else {
                session.start(setup.principal, setup.from);
            }
        });
    }

    private record Setup(String credential, TopicKey topic, StartPosition from, Principal principal,
                         TernException refused) {
    }
}
