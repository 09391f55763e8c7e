package dev.tern.http.stream;

import dev.tern.auth.Principal;
import dev.tern.config.BrowserConfig;
import dev.tern.error.TernException;
import dev.tern.http.HttpErrors;
import dev.tern.metrics.TernMetrics;
import dev.tern.pubsub.Heartbeats;
import dev.tern.pubsub.IdempotentPublisher;
import dev.tern.pubsub.ResumingSubscription;
import dev.tern.pubsub.TopicGateway;
import dev.tern.topic.StartPosition;
import dev.tern.topic.SubscriptionEnd;
import dev.tern.topic.SubscriptionEvent;
import dev.tern.topic.TopicKey;
import dev.tern.topic.SubscriberTransport;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * One topic WebSocket: subscribed from the start (first frame {@code {"heartbeat":{}}}), and accepting publish
 * requests. Errors in a request are answered with an error frame and leave the socket open; only the end of the
 * subscription closes it. Lives on the connection's event loop.
 */
final class WebSocketSession implements ResumingSubscription.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketSession.class);
    private static final Buffer PING = Buffer.buffer("tern");

    private final TopicGateway gateway;
    private final IdempotentPublisher publisher;
    private final TernMetrics metrics;
    private final BrowserConfig settings;
    private final ServerWebSocket socket;
    private final String credential;
    private final TopicKey topic;
    /** Waiting for the write queue to drain: the subscription after a lag, and reading after a publish flood. */
    private final List<Runnable> drainWaiters = new ArrayList<>(2);
    /** The route's keepalive ticks (one timer per event loop, at the ping interval). */
    private final Heartbeats keepalives;
    /** Ready-made event frames straight to the connection, gathered while it is backlogged; null: through Vert.x. */
    private final ChunkedConnectionOutput output;
    private ResumingSubscription subscription;
    private Heartbeats.Beat keepaliveBeat;
    private long lastHeardNanos = System.nanoTime();
    private boolean wroteSinceKeepalive;
    private boolean closed;

    WebSocketSession(Heartbeats keepalives, TopicGateway gateway, IdempotentPublisher publisher, TernMetrics metrics,
                     BrowserConfig settings, ServerWebSocket socket, ChunkedConnectionOutput output, String credential,
                     TopicKey topic) {
        this.keepalives = keepalives;
        this.output = output;
        this.gateway = gateway;
        this.publisher = publisher;
        this.metrics = metrics;
        this.settings = settings;
        this.socket = socket;
        this.credential = credential;
        this.topic = topic;
    }

    void start(Principal principal, StartPosition from) {
        socket.closeHandler(v -> release());
        socket.exceptionHandler(e -> {
            if (e instanceof io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException) {
                // Netty's decoder refused the frame (e.g. over the size limit); without a close frame the client
                // would only see the connection drop.
                close(WebSocketCloseCodes.MESSAGE_TOO_BIG, "frame or message over the limit of "
                        + WebSocketRoute.MAX_MESSAGE_BYTES + " bytes");
            } else {
                LOG.debug("WebSocket on {} failed", topic, e);
            }
        });
        socket.drainHandler(v -> drained());
        socket.pongHandler(data -> lastHeardNanos = System.nanoTime());
        socket.textMessageHandler(this::onPublishFrame);
        socket.binaryMessageHandler(data -> reply(WebSocketFrames.error(TernException.badRequest(
                "send publish requests as JSON text frames: {\"publish\":{\"binary\":\"<base64>\"}}"), null)));
        try {
            subscription = ResumingSubscription.open(gateway, principal, topic, from, this, metrics);
        } catch (TernException e) {
            refuse(e);
            return;
        } catch (RuntimeException e) {
            LOG.error("subscribing a WebSocket to {} failed", topic, e);
            refuse(TernException.internal("internal server error"));
            return;
        }
        if (output != null) {
            wroteSinceKeepalive = true;
            output.write(WebSocketFrames.heartbeatFrame());
        } else {
            send(WebSocketFrames.HEARTBEAT);
        }
        keepaliveBeat = keepalives.register(this::keepalive);
    }

    /** Ends a socket whose subscription was refused: an error frame, then a close code saying why. */
    void refuse(TernException error) {
        metrics.recordRejected(error.kind());
        closeWith(error);
    }

    @Override
    public void write(SubscriptionEvent event) {
        if (output == null) {
            send(WebSocketFrames.event(event));
        } else if (!closed) {
            wroteSinceKeepalive = true;
            output.write(WebSocketFrames.eventFrame(event));
        }
    }

    @Override
    public boolean writeQueueFull() {
        return output != null ? output.writeQueueFull() : socket.writeQueueFull();
    }

    /** The client fell behind and was cut off; resume once the socket drained. */
    @Override
    public void onDrain(Runnable drained) {
        if (output != null) {
            output.onDrain(drained);
        } else {
            drainWaiters.add(drained);
        }
    }

    @Override
    public void end(SubscriptionEnd reason) {
        TernException error = StreamEnds.error(reason, topic.cacheName());
        if (error != null) {
            closeWith(error); // 4404, 4401
        } else {
            close(WebSocketCloseCodes.GOING_AWAY, "server shutting down");
        }
    }

    @Override
    public SubscriberTransport transport() {
        return SubscriberTransport.WEBSOCKET;
    }

    @Override
    public void fail(TernException error) {
        refuse(error);
    }

    private void onPublishFrame(String frame) {
        lastHeardNanos = System.nanoTime();
        JsonNode requestId = null;
        try {
            PublishRequest request = PublishRequest.parse(frame);
            requestId = request.requestId();
            JsonNode id = requestId;
            Principal principal = gateway.authenticate(credential);
            publisher.publish(principal, topic, request.value(), request.idempotencyKey()).onComplete(published -> {
                if (published.succeeded()) {
                    reply(WebSocketFrames.published(published.result(), id));
                } else {
                    if (!(published.cause() instanceof TernException)) {
                        LOG.error("publishing over a WebSocket to {} failed", topic, published.cause());
                    }
                    replyError(TernException.from(published.cause()), id);
                }
            });
        } catch (PublishRequest.Malformed e) {
            replyError(e.error, e.requestId);
        } catch (TernException e) {
            replyError(e, requestId);
        } catch (RuntimeException e) {
            LOG.error("publishing over a WebSocket to {} failed", topic, e);
            replyError(TernException.internal("internal server error"), requestId);
        }
    }

    private void replyError(TernException error, JsonNode requestId) {
        metrics.recordRejected(error.kind());
        reply(WebSocketFrames.error(error, requestId));
    }

    /** An answer to the client's request; stops reading requests while the client does not read its answers. */
    private void reply(String frame) {
        send(frame);
        if (!closed && socket.writeQueueFull()) {
            socket.pause();
            drainWaiters.add(socket::resume);
        }
    }

    private void send(String frame) {
        if (!closed) {
            wroteSinceKeepalive = true;
            socket.writeTextMessage(frame);
        }
    }

    /** A ping every interval, and a heartbeat frame when idle (browsers do not expose pings to scripts). */
    private void keepalive() {
        long silentNanos = System.nanoTime() - lastHeardNanos;
        if (silentNanos > 2 * settings.webSocketPingInterval().toNanos()) {
            close(WebSocketCloseCodes.GOING_AWAY, "no pong received");
            return;
        }
        socket.writePing(PING);
        if (!wroteSinceKeepalive && !socket.writeQueueFull()) {
            send(WebSocketFrames.HEARTBEAT);
        }
        wroteSinceKeepalive = false;
    }

    private void drained() {
        List<Runnable> waiters = List.copyOf(drainWaiters);
        drainWaiters.clear();
        waiters.forEach(Runnable::run);
    }

    private void closeWith(TernException error) {
        if (output != null) {
            output.close(); // the events gathered so far go before the error frame
        }
        send(WebSocketFrames.error(error, null));
        close(WebSocketCloseCodes.forError(error.kind(), HttpErrors.status(error.kind())), error.getMessage());
    }

    private void close(short code, String reason) {
        if (!closed) {
            release();
            // A close reason must fit in a control frame (125 bytes, 2 of them for the code).
            socket.close(code, reason.length() > 100 ? reason.substring(0, 100) : reason);
        }
    }

    private void release() {
        if (closed) {
            return;
        }
        closed = true;
        drainWaiters.clear();
        if (output != null) {
            output.close();
        }
        if (subscription != null) {
            subscription.close();
        }
        if (keepaliveBeat != null) {
            keepaliveBeat.cancel();
        }
    }
}
