package dev.tern.http.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tern.auth.Principal;
import dev.tern.config.BrowserConfig;
import dev.tern.error.TernException;
import dev.tern.http.HttpErrors;
import dev.tern.http.SubscriptionEventJson;
import dev.tern.metrics.TernMetrics;
import dev.tern.pubsub.Heartbeats;
import dev.tern.pubsub.MultiTopicSubscription;
import dev.tern.pubsub.TopicGateway;
import dev.tern.topic.SubscriptionEnd;
import dev.tern.topic.SubscriberTransport;
import dev.tern.topic.SubscriptionEvent;
import dev.tern.topic.TopicKey;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * One multi-topic WebSocket. It starts with {@code {"heartbeat":{}}} and follows nothing; each {@code subscribe} or
 * {@code unsubscribe} request is answered with {@code {"subscribed":{..}}} / {@code {"unsubscribed":{..}}} or an
 * {@code error} frame (the socket stays open). Items and discontinuities carry their topic:
 * {@code {"topic":"a","item":{..}}}. Lives on the connection's event loop.
 */
final class MultiTopicWebSocketSession implements MultiTopicSubscription.Sink {
    @Override
    public SubscriberTransport transport() {
        return SubscriberTransport.WEBSOCKET;
    }

    private static final Logger LOG = LoggerFactory.getLogger(MultiTopicWebSocketSession.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Buffer PING = Buffer.buffer("tern");

    private final Heartbeats keepalives;
    private final TopicGateway gateway;
    private final TernMetrics metrics;
    private final BrowserConfig settings;
    private final ServerWebSocket socket;
    private final String cacheName;
    private final List<Runnable> drainWaiters = new ArrayList<>(2);
    private MultiTopicSubscription topics;
    private Heartbeats.Beat keepaliveBeat;
    private long lastHeardNanos = System.nanoTime();
    private boolean wroteSinceKeepalive;
    private boolean closed;

    MultiTopicWebSocketSession(Heartbeats keepalives, TopicGateway gateway, TernMetrics metrics,
                               BrowserConfig settings, ServerWebSocket socket, String cacheName) {
        this.keepalives = keepalives;
        this.gateway = gateway;
        this.metrics = metrics;
        this.settings = settings;
        this.socket = socket;
        this.cacheName = cacheName;
    }

    void start(Principal principal) {
        try {
            topics = MultiTopicSubscription.open(gateway, principal, cacheName,
                    MultiTopicSubscription.ResumePositions.NONE, this, metrics);
        } catch (TernException e) {
            refuse(e); // before any handler is set: no request is read on a refused socket
            return;
        }
        socket.closeHandler(v -> release());
        socket.exceptionHandler(e -> LOG.debug("multi-topic WebSocket on {} failed", cacheName, e));
        socket.drainHandler(v -> drained());
        socket.pongHandler(data -> lastHeardNanos = System.nanoTime());
        socket.textMessageHandler(this::onRequest);
        socket.binaryMessageHandler(data -> reply(WebSocketFrames.error(TernException.badRequest(
                "send requests as JSON text frames: {\"subscribe\":{\"topic\":\"...\"}}"), null)));
        send(WebSocketFrames.HEARTBEAT);
        keepaliveBeat = keepalives.register(this::keepalive);
    }

    void refuse(TernException error) {
        metrics.recordRejected(error.kind());
        closeWith(error);
    }

    private void onRequest(String frame) {
        lastHeardNanos = System.nanoTime();
        JsonNode requestId = null;
        try {
            MultiTopicRequest request = MultiTopicRequest.parse(frame);
            requestId = request.requestId();
            boolean changed;
            if (request.topic() != null) {
                TopicKey topic = TopicGateway.topicKey(cacheName, request.topic());
                changed = request.subscribe() ? topics.follow(topic, request.from()) : topics.unfollow(topic);
            } else {
                String prefix = MultiTopicSseRoute.requirePrefix(request.prefix());
                changed = request.subscribe() ? topics.followPrefix(prefix) : topics.unfollowPrefix(prefix);
            }
            reply(answer(request, changed));
        } catch (PublishRequest.Malformed e) {
            replyError(e.error, e.requestId);
        } catch (TernException e) {
            replyError(e, requestId);
        } catch (RuntimeException e) {
            LOG.error("a multi-topic WebSocket request on {} failed", cacheName, e);
            replyError(TernException.internal("internal server error"), requestId);
        }
    }

    /** {@code {"subscribed":{"topic":"a","request_id":..,"changed":true}}}: changed is false for a repeat. */
    private static String answer(MultiTopicRequest request, boolean changed) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode body = root.putObject(request.subscribe() ? "subscribed" : "unsubscribed");
        if (request.topic() != null) {
            body.put("topic", request.topic());
        } else {
            body.put("prefix", request.prefix());
        }
        body.put("changed", changed);
        if (request.requestId() != null) {
            body.set("request_id", request.requestId());
        }
        return root.toString();
    }

    @Override
    public void write(TopicKey topic, SubscriptionEvent event) {
        Buffer json = SubscriptionEventJson.event(event);
        send("{\"topic\":\"" + topic.topicName() + "\"," + json.toString().substring(1));
    }

    @Override
    public void positioned(TopicKey topic) {
        // A socket resumes by explicit positions, not by event ids: nothing to record.
    }

    @Override
    public boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable drained) {
        drainWaiters.add(drained);
    }

    @Override
    public void end(SubscriptionEnd reason) {
        TernException error = StreamEnds.error(reason, cacheName);
        if (error != null) {
            closeWith(error); // 4404, 4401
        } else {
            close(WebSocketCloseCodes.GOING_AWAY, "server shutting down");
        }
    }

    @Override
    public void fail(TopicKey topic, TernException error) {
        metrics.recordRejected(error.kind());
        ObjectNode root = JSON.createObjectNode();
        root.put("topic", topic.topicName());
        ObjectNode body = root.putObject("error");
        body.put("status", HttpErrors.status(error.kind()));
        body.put("message", error.getMessage());
        send(root.toString());
    }

    private void replyError(TernException error, JsonNode requestId) {
        metrics.recordRejected(error.kind());
        reply(WebSocketFrames.error(error, requestId));
    }

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
        send(WebSocketFrames.error(error, null));
        close(WebSocketCloseCodes.forError(error.kind(), HttpErrors.status(error.kind())), error.getMessage());
    }

    private void close(short code, String reason) {
        if (!closed) {
            release();
            socket.close(code, reason.length() > 100 ? reason.substring(0, 100) : reason);
        }
    }

    private void release() {
        if (closed) {
            return;
        }
        closed = true;
        drainWaiters.clear();
        if (topics != null) {
            topics.close();
        }
        if (keepaliveBeat != null) {
            keepaliveBeat.cancel();
        }
    }
}
