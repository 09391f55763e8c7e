package dev.tern.http.stream;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.tern.auth.Principal;
import dev.tern.cache.ResourceNames;
import dev.tern.config.BrowserConfig;
import dev.tern.error.TernException;
import dev.tern.http.HttpErrors;
import dev.tern.http.RequestCredential;
import dev.tern.http.SubscriptionEventJson;
import dev.tern.metrics.TernMetrics;
import dev.tern.pubsub.Heartbeats;
import dev.tern.pubsub.MultiTopicSubscription;
import dev.tern.pubsub.TopicGateway;
import dev.tern.topic.SubscriptionEnd;
import dev.tern.topic.SubscriberTransport;
import dev.tern.topic.SubscriptionEvent;
import dev.tern.topic.TopicKey;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /caches/{cacheName}/events?topic=a&topic=b&prefix=room-}: many topics of a cache as one stream of
 * Server-Sent Events. Every event is unnamed (so {@code EventSource.onmessage} receives them all) and its data is
 * the single-topic stream's {@code format=json} object with the topic added: {@code {"topic":"a","item":{..}}},
 * {@code {"topic":"a","discontinuity":{..}}}; a topic that cannot be followed any more sends
 * {@code {"topic":"a","error":{"status":..,"message":..}}}. Each event's id holds every topic's position
 * ({@link MultiTopicEventId}), so a reconnecting EventSource resumes them all. Checks happen before the response
 * starts, so a refused stream is an ordinary HTTP error.
 */
public final class MultiTopicSseRoute {
    private static final Set<String> PARAMETERS = Set.of("topic", "prefix", "token");

    private final TopicGateway gateway;
    private final TernMetrics metrics;
    private final BrowserConfig settings;
    private final Heartbeats heartbeats;

    public MultiTopicSseRoute(Vertx vertx, TopicGateway gateway, TernMetrics metrics, BrowserConfig settings) {
        this.gateway = gateway;
        this.metrics = metrics;
        this.settings = settings;
        this.heartbeats = new Heartbeats(vertx, settings.sseHeartbeatInterval());
    }

    /** Opens the stream, or throws the error to answer with. */
    public void handle(HttpServerRequest request, String cacheName) {
        String credential = RequestCredential.of(request);
        ResourceNames.requireCacheName(cacheName);
        Selection selection = Selection.of(queryOf(request), cacheName);
        MultiTopicSubscription.ResumePositions resume =
                MultiTopicEventId.decode(request.getHeader(StreamStart.LAST_EVENT_ID));
        Principal principal = gateway.authenticate(credential);
        new EventStream(request, cacheName).start(principal, selection, resume);
    }

    /** The query's parameters alone (the router adds the path's to {@code request.params()}). */
    private static Map<String, List<String>> queryOf(HttpServerRequest request) {
        String query = request.query();
        if (query == null) {
            return Map.of();
        }
        try {
            return new QueryStringDecoder(query, StandardCharsets.UTF_8, false).parameters();
        } catch (IllegalArgumentException e) {
            throw TernException.badRequest("malformed query string");
        }
    }

    /** The topics and prefixes a request asks for; 400 for anything malformed. */
    record Selection(List<TopicKey> topics, List<String> prefixes) {
        static Selection of(Map<String, List<String>> params, String cacheName) {
            for (String name : params.keySet()) {
                if (!PARAMETERS.contains(name)) {
                    throw TernException.badRequest("unknown query parameter " + name + "; expected topic, prefix, token");
                }
            }
            Set<TopicKey> topics = new LinkedHashSet<>();
            for (String topic : params.getOrDefault("topic", List.of())) {
                topics.add(TopicGateway.topicKey(cacheName, topic));
                if (topics.size() > MultiTopicSubscription.MAX_TOPICS) {
                    throw TernException.badRequest("a stream follows at most " + MultiTopicSubscription.MAX_TOPICS
                            + " topics");
                }
            }
            Set<String> prefixes = new LinkedHashSet<>();
            for (String prefix : params.getOrDefault("prefix", List.of())) {
                prefixes.add(requirePrefix(prefix));
                if (prefixes.size() > MultiTopicSubscription.MAX_PREFIXES) {
                    throw TernException.badRequest("a stream follows at most " + MultiTopicSubscription.MAX_PREFIXES
                            + " prefixes");
                }
            }
            if (topics.isEmpty() && prefixes.isEmpty()) {
                throw TernException.badRequest("name at least one topic (topic=...) or prefix (prefix=...)");
            }
            return new Selection(new ArrayList<>(topics), new ArrayList<>(prefixes));
        }
    }

    /** A prefix is the start of a topic name: 1 to 255 of the characters a topic name may have. */
    public static String requirePrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            throw TernException.badRequest("a prefix must not be empty (to follow a whole cache, ask for its topics "
                    + "by a prefix they share, with a token for the whole cache)");
        }
        try {
            return ResourceNames.requireTopicName(prefix);
        } catch (TernException e) {
            throw TernException.badRequest("bad prefix: " + e.getMessage());
        }
    }

    /** One open multi-topic stream. Lives on the connection's event loop. */
    private final class EventStream implements MultiTopicSubscription.Sink {
        @Override
        public SubscriberTransport transport() {
            return SubscriberTransport.SSE;
        }

        private final HttpServerResponse response;
        private final String cacheName;
        private final List<Runnable> drainWaiters = new ArrayList<>(2);
        private final Map<TopicKey, String> digests = new HashMap<>();
        private MultiTopicSubscription topics;
        private Heartbeats.Beat heartbeat;
        private boolean wroteSinceHeartbeat;
        private boolean started;
        private boolean closed;

        EventStream(HttpServerRequest request, String cacheName) {
            this.response = request.response();
            this.cacheName = cacheName;
        }

        /** Follows every topic and prefix first (any refusal is the HTTP answer), then starts the response. */
        void start(Principal principal, Selection selection,
                   MultiTopicSubscription.ResumePositions resume) {
            topics = MultiTopicSubscription.open(gateway, principal, cacheName, resume, this, metrics);
            try {
                for (TopicKey topic : selection.topics()) {
                    topics.follow(topic, null);
                }
                for (String prefix : selection.prefixes()) {
                    topics.followPrefix(prefix);
                }
            } catch (RuntimeException e) {
                topics.close();
                throw e;
            }
            response.setStatusCode(200)
                    .setChunked(true)
                    .putHeader("Content-Type", SseRoute.EVENT_STREAM + "; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache")
                    .putHeader("X-Accel-Buffering", "no");
            response.closeHandler(v -> close());
            response.drainHandler(v -> drained());
            response.write(SseFrames.preamble(settings.sseRetry().toMillis()));
            started = true;
            heartbeat = heartbeats.register(this::heartbeat);
        }

        @Override
        public void write(TopicKey topic, SubscriptionEvent event) {
            Buffer json = SubscriptionEventJson.event(event);
            // {"item":..} becomes {"topic":"<name>","item":..}; names need no JSON escaping (ResourceNames).
            StringBuilder frame = new StringBuilder(json.length() + 64 + 28 * topics.topicCount());
            frame.append("id: ").append(MultiTopicEventId.encode(topics.positions(), digests)).append('\n')
                    .append("data: {\"topic\":\"").append(topic.topicName()).append("\",")
                    .append(json.toString(), 1, json.length()).append("\n\n");
            send(Buffer.buffer(frame.toString()));
        }

        /** An id with no data: the browser keeps it as its last event id without dispatching an event. */
        @Override
        public void positioned(TopicKey topic) {
            send(Buffer.buffer("id: " + MultiTopicEventId.encode(topics.positions(), digests) + "\n\n"));
        }

        @Override
        public boolean writeQueueFull() {
            return response.writeQueueFull();
        }

        @Override
        public void onDrain(Runnable drained) {
            drainWaiters.add(drained);
        }

        @Override
        public void end(SubscriptionEnd reason) {
            finish(StreamEnds.sseFrame(reason, cacheName, SseFormat.JSON));
        }

        @Override
        public void fail(TopicKey topic, TernException error) {
            metrics.recordRejected(error.kind());
            String message = new String(JsonStringEncoder.getInstance().quoteAsString(error.getMessage()));
            send(Buffer.buffer("data: {\"topic\":\"" + topic.topicName() + "\",\"error\":{\"status\":"
                    + HttpErrors.status(error.kind()) + ",\"message\":\"" + message + "\"}}\n\n"));
        }

        private void heartbeat() {
            if (!wroteSinceHeartbeat && !response.writeQueueFull()) {
                send(Buffer.buffer(": heartbeat\n\n"));
            }
            wroteSinceHeartbeat = false;
        }

        private void send(Buffer frame) {
            if (!closed && started) {
                wroteSinceHeartbeat = true;
                response.write(frame);
            }
        }

        private void drained() {
            List<Runnable> waiters = List.copyOf(drainWaiters);
            drainWaiters.clear();
            waiters.forEach(Runnable::run);
        }

        private void finish(Buffer lastFrame) {
            boolean open = !closed;
            close();
            if (open && started) {
                response.end(lastFrame);
            }
        }

        private void close() {
            if (closed) {
                return;
            }
            closed = true;
            drainWaiters.clear();
            topics.close();
            if (heartbeat != null) {
                heartbeat.cancel();
            }
        }
    }
}
