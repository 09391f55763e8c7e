package dev.tern.webhook;

import dev.tern.error.TernException;
import dev.tern.topic.Discontinuity;
import dev.tern.topic.StartPosition;
import dev.tern.topic.Subscription;
import dev.tern.topic.SubscriptionEnd;
import dev.tern.topic.SubscriptionEvent;
import dev.tern.topic.SubscriptionListener;
import dev.tern.topic.TopicItem;
import dev.tern.topic.TopicKey;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.net.URI;
import java.util.ArrayDeque;

/**
 * The delivery of one webhook on one node: a subscription to its topic from the stored cursor, one request in flight,
 * in topic order, retried with backoff until the receiver answers 2xx. The topic's history is the buffer: only a
 * bounded queue is held here, and when it is full the subscription is cancelled and started again from the cursor
 * once the queue is delivered (the engine replays from history, or sends a discontinuity when history no longer
 * reaches back, which is delivered as a signed request too). Everything runs on one Vert.x context.
 */
final class WebhookDelivery implements SubscriptionListener {
    static final int MAX_QUEUED = 64;
    static final long MAX_QUEUED_BYTES = 256L * 1024;

    private record Pending(SubscriptionEvent event, long receivedAtMillis, int size) {
    }

    private final WebhookDispatcher dispatcher;
    private final Context context;
    private final Vertx vertx;
    private final String cacheName;
    private final String name;
    private final TopicKey topic;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private long queuedBytes;
    private Subscription subscription;
    /** True from the moment a subscription is asked for (an engine may replay before it returns) until cancelled. */
    private boolean listening;
    /** Subscribed at {@link StartPosition#PROBE} (a new webhook): the engine's first answer is its starting cursor. */
    private boolean probing;
    private boolean resubscribe;
    private boolean inFlight;
    private long retryTimer = -1;
    private boolean stopped;
    private String destinationUrl;
    private URI destination;

    // Read by status requests on other threads.
    private volatile DeliveryCursor cursor;
    private volatile long highestSeen;
    private volatile int failures;
    private volatile String lastError;
    private volatile long nextAttemptAtMillis;
    private volatile long fencingToken;

    WebhookDelivery(WebhookDispatcher dispatcher, Context context, Webhook webhook, DeliveryCursor cursor, long fencingToken) {
        this.dispatcher = dispatcher;
        this.context = context;
        this.vertx = context.owner();
        this.cacheName = webhook.cacheName();
        this.name = webhook.name();
        this.topic = new TopicKey(webhook.cacheName(), webhook.topicName());
        this.cursor = cursor;
        this.highestSeen = cursor.lastSequenceNumber();
        this.fencingToken = fencingToken;
    }

    String topicName() {
        return topic.topicName();
    }

    void start() {
        context.runOnContext(v -> subscribe());
    }

    /** Stops at once: no further attempt; a request in flight is left to finish, its outcome ignored. */
    void stop() {
        context.runOnContext(v -> {
            stopped = true;
            cancelSubscription();
            if (retryTimer != -1) {
                vertx.cancelTimer(retryTimer);
                retryTimer = -1;
            }
            queue.clear();
            queuedBytes = 0;
        });
    }

    DeliveryCursor cursor() {
        return cursor;
    }

    long fencingToken() {
        return fencingToken;
    }

    void renewed(long token) {
        fencingToken = token;
    }

    DeliveryStatus status() {
        DeliveryCursor at = cursor;
        return new DeliveryStatus(true, at.sequencePage(), at.lastSequenceNumber(),
                Math.max(0, highestSeen - at.lastSequenceNumber()), failures, lastError,
                nextAttemptAtMillis == 0 ? null : nextAttemptAtMillis);
    }

    long lag() {
        return Math.max(0, highestSeen - cursor.lastSequenceNumber());
    }

    private void subscribe() {
        if (stopped) {
            return;
        }
        resubscribe = false;
        DeliveryCursor at = cursor;
        // A new webhook starts where the topic stands now, and stores that position at once: a restart before its
        // first delivery then resumes from there (or says what was lost) instead of silently starting later.
        probing = at.isNone();
        StartPosition from = probing ? StartPosition.PROBE
                : new StartPosition(at.lastSequenceNumber() + 1, at.sequencePage());
        listening = true;
        try {
            Subscription made = dispatcher.gateway().follow(topic, from, this);
            if (listening) {
                subscription = made;
            } else {
                made.cancel(); // the queue filled up during the replay
            }
        } catch (TernException e) {
            listening = false;
            // E.g. Redis unreachable for a moment, or the cache being deleted (then the dispatcher stops this).
            failures++;
            lastError = "cannot subscribe to the topic: " + e.getMessage();
            retryLater(this::subscribe);
        }
    }

    @Override
    public void onEvent(SubscriptionEvent event) {
        if (stopped || !listening) {
            return;
        }
        if (probing && event instanceof Discontinuity gap && StartPosition.answersProbe(gap)) {
            probing = false;
            cursor = new DeliveryCursor(gap.newSequencePage(), gap.newSequence() - 1);
            highestSeen = cursor.lastSequenceNumber();
            dispatcher.cursorMoved(cacheName, name, this);
            return;
        }
        int size;
        if (event instanceof TopicItem item) {
            probing = false;
            DeliveryCursor at = cursor;
            if (item.sequencePage() == at.sequencePage() && item.sequenceNumber() <= at.lastSequenceNumber()) {
                return; // already confirmed (a replay overlapping what was delivered)
            }
            size = item.value().size();
            if (item.sequencePage() == at.sequencePage() || at.isNone()) {
                highestSeen = Math.max(highestSeen, item.sequenceNumber());
            }
        } else if (event instanceof Discontinuity) {
            size = 0;
        } else {
            return; // heartbeats
        }
        if (!queue.isEmpty() && (queue.size() >= MAX_QUEUED || queuedBytes + size > MAX_QUEUED_BYTES)) {
            // Full: stop listening; what follows is read again from history once the queue is delivered.
            cancelSubscription();
            resubscribe = true;
            return;
        }
        queue.add(new Pending(event, System.currentTimeMillis(), size));
        queuedBytes += size;
        pump();
    }

    @Override
    public void onEnd(SubscriptionEnd reason) {
        subscription = null;
        listening = false;
        if (reason == SubscriptionEnd.CACHE_DELETED) {
            stopped = true;
            queue.clear();
        } else if (!stopped) {
            resubscribe = true; // shutdown of the engine: nothing more to do until the server stops this
        }
    }

    private void pump() {
        if (stopped || inFlight || retryTimer != -1) {
            return;
        }
        Pending head = queue.peek();
        if (head == null) {
            if (resubscribe && !listening) {
                subscribe();
            }
            return;
        }
        Webhook current = dispatcher.registry().find(cacheName, name).orElse(null);
        if (current == null || !current.topicName().equals(topic.topicName())) {
            stopped = true; // deleted, or replaced with another topic: the dispatcher starts a new delivery
            cancelSubscription();
            return;
        }
        long now = System.currentTimeMillis();
        DeliveryRequest request = head.event() instanceof TopicItem item
                ? DeliveryRequest.of(current, item, item.publishedAtMillis() != 0 ? item.publishedAtMillis()
                        : head.receivedAtMillis(), now)
                : DeliveryRequest.of(current, (Discontinuity) head.event(), now);
        inFlight = true;
        long started = System.nanoTime();
        dispatcher.sender().send(destination(current), request, current.secret()).onComplete(done -> {
            if (Vertx.currentContext() == context) {
                completed(head, done.result(), started);
            } else {
                context.runOnContext(v -> completed(head, done.result(), started));
            }
        });
    }

    private void completed(Pending head, WebhookSender.Outcome outcome, long startedNanos) {
        inFlight = false;
        if (stopped) {
            return;
        }
        dispatcher.metrics().recordWebhookAttempt(outcome.delivered(), System.nanoTime() - startedNanos);
        if (!outcome.delivered()) {
            failures++;
            lastError = outcome.error();
            retryLater(this::pump);
            return;
        }
        queue.poll();
        queuedBytes -= head.size();
        if (head.event() instanceof TopicItem item) {
            cursor = new DeliveryCursor(item.sequencePage(), item.sequenceNumber());
        } else {
            Discontinuity gap = (Discontinuity) head.event();
            cursor = new DeliveryCursor(gap.newSequencePage(), gap.newSequence() - 1);
            highestSeen = Math.max(gap.newSequence() - 1, 0);
            dispatcher.metrics().recordWebhookDiscontinuity();
        }
        failures = 0;
        lastError = null;
        nextAttemptAtMillis = 0;
        dispatcher.cursorMoved(cacheName, name, this);
        pump();
    }

    /** The webhook's URL, parsed once per URL rather than once per request. */
    private URI destination(Webhook current) {
        if (!current.url().equals(destinationUrl)) {
            destination = URI.create(current.url());
            destinationUrl = current.url();
        }
        return destination;
    }

    private void retryLater(Runnable action) {
        Webhook current = dispatcher.registry().find(cacheName, name).orElse(null);
        if (current == null) {
            return; // deleted: the dispatcher stops this delivery
        }
        long delay = dispatcher.schedule(current).delayMillis(failures);
        nextAttemptAtMillis = System.currentTimeMillis() + delay;
        retryTimer = vertx.setTimer(delay, id -> {
            retryTimer = -1;
            nextAttemptAtMillis = 0;
            action.run();
        });
    }

    private void cancelSubscription() {
        listening = false;
        if (subscription != null) {
            subscription.cancel();
            subscription = null;
        }
    }
}
