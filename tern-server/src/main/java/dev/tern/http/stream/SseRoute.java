package dev.tern.http.stream;

import dev.tern.auth.Principal;
import dev.tern.config.BrowserConfig;
import dev.tern.error.TernException;
import dev.tern.http.HttpErrors;
import dev.tern.http.RequestCredential;
import dev.tern.http.TopicPath;
import dev.tern.metrics.TernMetrics;
import dev.tern.pubsub.Heartbeats;
import dev.tern.pubsub.ResumingSubscription;
import dev.tern.pubsub.TopicGateway;
import dev.tern.topic.StartPosition;
import dev.tern.topic.SubscriptionEnd;
import dev.tern.topic.SubscriptionEvent;
import dev.tern.topic.TopicKey;
import dev.tern.topic.SubscriberTransport;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.Locale;

/**
 * {@code GET /topics/{cacheName}/{topicName}} with {@code Accept: text/event-stream}: the topic as Server-Sent Events.
 * Every check (token, names, permission, cache, limits) happens before the response starts, so a refused stream is
 * an ordinary HTTP error.
 */
public final class SseRoute {
    static final String EVENT_STREAM = "text/event-stream";

    private final TopicGateway gateway;
    private final TernMetrics metrics;
    private final BrowserConfig settings;
    private final Heartbeats heartbeats;

    public SseRoute(Vertx vertx, TopicGateway gateway, TernMetrics metrics, BrowserConfig settings) {
        this.gateway = gateway;
        this.metrics = metrics;
        this.settings = settings;
        this.heartbeats = new Heartbeats(vertx, settings.sseHeartbeatInterval());
    }

    /** True for a request this route serves: one that asks for {@code text/event-stream}. */
    public static boolean accepts(HttpServerRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains(EVENT_STREAM);
    }

    /** Opens the stream, or throws the error to answer with. */
    public void handle(HttpServerRequest request) {
        String credential = RequestCredential.of(request);
        TopicKey topic = TopicPath.parse(request.path());
        StartPosition from = StreamStart.of(request);
        SseFormat format = SseFormat.of(request.getParam("format"));
        Principal principal = gateway.authenticate(credential);
        new EventStream(request, topic, format).start(principal, from);
    }

    /** One open event stream. Lives on the connection's event loop. */
    private final class EventStream implements ResumingSubscription.Sink {
        private final HttpServerRequest request;
        private final HttpServerResponse response;
        /** Where frames go: the Vert.x response, until its head is written and a faster path may take over. */
        private SseOutput output;
        private final TopicKey topic;
        private final SseFormat format;
        private ResumingSubscription subscription;
        private Heartbeats.Beat heartbeat;
        private boolean wroteSinceHeartbeat;
        private boolean closed;

        EventStream(HttpServerRequest request, TopicKey topic, SseFormat format) {
            this.request = request;
            this.response = request.response();
            this.output = new SseOutput.ResponseOutput(response);
            this.topic = topic;
            this.format = format;
        }

        /** Subscribes first (which may refuse with an HTTP error), then starts the response. */
        void start(Principal principal, StartPosition from) {
            subscription = ResumingSubscription.open(gateway, principal, topic, from, this, metrics);
            response.setStatusCode(200)
                    .setChunked(true)
                    .putHeader("Content-Type", EVENT_STREAM + "; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache")
                    .putHeader("X-Accel-Buffering", "no");
            response.closeHandler(v -> close());
            response.write(SseFrames.preamble(settings.sseRetry().toMillis()));
            output = SseOutput.of(request);
            heartbeat = heartbeats.register(this::heartbeat);
        }

        @Override
        public void write(SubscriptionEvent event) {
            write(SseFrames.event(event, format));
        }

        @Override
        public boolean writeQueueFull() {
            return output.writeQueueFull();
        }

        /** The client fell behind and was cut off; resume once its connection drained. */
        @Override
        public void onDrain(Runnable drained) {
            output.onDrain(drained);
        }

        @Override
        public void end(SubscriptionEnd reason) {
            finish(StreamEnds.sseFrame(reason, topic.cacheName(), format));
        }

        @Override
        public SubscriberTransport transport() {
            return SubscriberTransport.SSE;
        }

        @Override
        public void fail(TernException error) {
            metrics.recordRejected(error.kind());
            finish(SseFrames.end("error", HttpErrors.status(error.kind()), error.getMessage(), format));
        }

        private void heartbeat() {
            if (!wroteSinceHeartbeat && !output.writeQueueFull()) {
                write(SseFrames.heartbeat());
            }
            wroteSinceHeartbeat = false;
        }

        private void write(SseFrame frame) {
            if (!closed) {
                wroteSinceHeartbeat = true;
                output.write(frame);
            }
        }

        /** Ends the stream from the server side with a last frame saying why. */
        private void finish(Buffer lastFrame) {
            boolean open = !closed;
            close(); // the output hands over what it still holds, so the last frame comes after it
            if (open) {
                response.end(lastFrame);
            }
        }

        private void close() {
            if (closed) {
                return;
            }
            closed = true;
            subscription.close();
            if (heartbeat != null) {
                heartbeat.cancel();
            }
            output.close();
        }
    }
}
