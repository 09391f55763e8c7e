package dev.tern.http;

import dev.tern.auth.CredentialEnd;
import dev.tern.auth.Principal;
import dev.tern.error.TernException;
import dev.tern.pubsub.TopicGateway;
import dev.tern.topic.StartPosition;
import dev.tern.topic.Subscription;
import dev.tern.topic.SubscriptionEnd;
import dev.tern.topic.SubscriptionEvent;
import dev.tern.topic.SubscriptionListener;
import dev.tern.topic.TopicKey;
import dev.tern.topic.SubscriberTransport;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /topics/{cacheName}/{topicName}?sequence_number=N&sequence_page=P}: answers as soon as at least one
 * item or discontinuity is available, with everything available at that moment (up to {@link #MAX_BATCH}), or with
 * {@code {"items":[]}} when the wait elapses.
 */
final class LongPollRoute {
    static final int MAX_BATCH = 100;

    private final Vertx vertx;
    private final TopicGateway gateway;
    private final HttpErrors errors;
    private final Duration maxWait;

    LongPollRoute(Vertx vertx, TopicGateway gateway, HttpErrors errors, Duration maxWait) {
        this.vertx = vertx;
        this.gateway = gateway;
        this.errors = errors;
        this.maxWait = maxWait;
    }

    void handle(HttpServerRequest request) {
        String credential = RequestCredential.of(request);
        TopicKey topic = TopicPath.parse(request.path());
        StartPosition from = new StartPosition(
                QueryParams.nonNegativeLong(request, "sequence_number"),
                QueryParams.nonNegativeLong(request, "sequence_page"));
        Principal principal = gateway.authenticate(credential);
        new Poll(request.response(), topic).start(principal, from);
    }

    /** One waiting request: collects events, then answers exactly once. */
    private final class Poll implements SubscriptionListener {
        private final HttpServerResponse response;
        private final TopicKey topic;
        private final List<SubscriptionEvent> events = new ArrayList<>();
        private Subscription subscription;
        private long timer = -1;
        private boolean flushScheduled;
        private boolean done;

        Poll(HttpServerResponse response, TopicKey topic) {
            this.response = response;
            this.topic = topic;
        }

        @Override
        public SubscriberTransport transport() {
            return SubscriberTransport.LONG_POLL;
        }

        void start(Principal principal, StartPosition from) {
            subscription = gateway.subscribe(principal, topic, from, this);
            timer = vertx.setTimer(maxWait.toMillis(), id -> answer());
            response.closeHandler(v -> finish());
        }

        @Override
        public void onEvent(SubscriptionEvent event) {
            if (done || events.size() >= MAX_BATCH) {
                return;
            }
            events.add(event);
            if (!flushScheduled) {
                // Answer after the events already queued on this event loop, so a burst goes out as one batch.
                flushScheduled = true;
                vertx.runOnContext(v -> answer());
            }
        }

        @Override
        public void onEnd(SubscriptionEnd reason) {
            subscription = null;
            if (reason == SubscriptionEnd.CACHE_DELETED) {
                if (finish()) {
                    errors.send(response, TernException.cacheNotFound(topic.cacheName()));
                }
            } else if (reason.isCredentialEnd()) {
                if (finish()) {
                    errors.send(response, CredentialEnd.of(reason).error());
                }
            } else {
                answer();
            }
        }

        private void answer() {
            if (finish() && !response.closed()) {
                response.putHeader("Content-Type", "application/json")
                        .end(SubscriptionEventJson.items(events));
            }
        }

        /** Releases the subscription and timer; true the first time only. */
        private boolean finish() {
            if (done) {
                return false;
            }
            done = true;
            if (subscription != null) {
                subscription.cancel();
            }
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            return true;
        }
    }
}
