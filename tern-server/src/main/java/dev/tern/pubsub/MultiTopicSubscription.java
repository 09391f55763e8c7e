package dev.tern.pubsub;

import dev.tern.auth.Principal;
import dev.tern.error.LimitKind;
import dev.tern.error.TernException;
import dev.tern.metrics.TernMetrics;
import dev.tern.topic.Discontinuity;
import dev.tern.topic.StartPosition;
import dev.tern.topic.Subscription;
import dev.tern.topic.SubscriptionEnd;
import dev.tern.topic.SubscriberTransport;
import dev.tern.topic.SubscriptionEvent;
import dev.tern.topic.TopicItem;
import dev.tern.topic.TopicKey;
import dev.tern.topic.TopicWatcher;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Many topics of one cache on one connection, chosen by name or by prefix. Each topic is an ordinary subscription
 * through the gateway (authorized, counted against the cache's subscription limit, paused and resumed on its own
 * when the client falls behind); this class adds the set, the per-connection limits, the prefixes and the last
 * position of every topic, from which a reconnecting client resumes them all. The stream as a whole is watched too
 * ({@link TopicGateway#watchStream}): it ends when its cache is deleted or its credential ends, also while it
 * follows no topic.
 *
 * <p>A topic followed without a resume position starts live, by a probe: it asks for a position no topic reaches,
 * and the engine answers with a discontinuity that tells where the topic stands now. That answer is kept as the
 * topic's position (so a reconnect resumes from there) and not shown to the client.
 *
 * <p>Use on one Vert.x context (the connection's); every callback of the {@link Sink} runs there.
 */
public final class MultiTopicSubscription {
    /** Most topics one connection follows, named or found under a prefix. */
    public static final int MAX_TOPICS = 100;
    /** Most prefixes one connection follows. */
    public static final int MAX_PREFIXES = 10;
    /** A start no topic reaches: the engine answers where the topic stands (see the class comment). */
    private static final StartPosition PROBE = StartPosition.PROBE;
    /** The start of a topic that appeared under a prefix while followed: its first message on. */
    private static final StartPosition FROM_FIRST = new StartPosition(1, 0);

    /** A transport's stream of many topics to one client. */
    public interface Sink {
        /** An item or discontinuity of one topic. */
        void write(TopicKey topic, SubscriptionEvent event);

        /** A topic's position became known without an event (its probe answered); a stream may record it. */
        void positioned(TopicKey topic);

        boolean writeQueueFull();

        /** Runs {@code drained} once when the client can take more; several may wait at once. */
        void onDrain(Runnable drained);

        /** The cache was deleted, the credential expired or was revoked, or the server stops: the whole stream ends. */
        void end(SubscriptionEnd reason);

        /** One topic could not be followed or resumed (e.g. a limit); the others go on. */
        void fail(TopicKey topic, TernException error);

        /** Which transport carries the stream (counted per transport in the metrics). */
        SubscriberTransport transport();
    }

    /** Where a reconnecting client left each topic. */
    public interface ResumePositions {
        ResumePositions NONE = new ResumePositions() {
            @Override
            public TopicPosition of(TopicKey topic) {
                return null;
            }

            @Override
            public boolean resuming() {
                return false;
            }
        };

        /** The last position the client saw of the topic; null when it saw none. */
        TopicPosition of(TopicKey topic);

        /**
         * True when the client is reconnecting: then a topic under a prefix that it has no position for appeared
         * while it was away, and is followed from its first message rather than live.
         */
        boolean resuming();
    }

    private final TopicGateway gateway;
    private final Principal principal;
    private final String cacheName;
    private final TernMetrics metrics;
    private final Sink sink;
    private final Map<TopicKey, Followed> topics = new LinkedHashMap<>();
    private final Map<TopicKey, TopicPosition> positions = new LinkedHashMap<>();
    private final Map<String, Subscription> prefixes = new LinkedHashMap<>();
    /** Where a resuming client said it was, by topic; consulted when a topic is first followed. */
    private final ResumePositions resumeAt;
    /** The stream as a whole: it ends with its cache or credential even while it follows no topic. */
    private Subscription streamWatch;
    private boolean ended;

    private MultiTopicSubscription(TopicGateway gateway, Principal principal, String cacheName,
                                   ResumePositions resumeAt, Sink sink, TernMetrics metrics) {
        this.gateway = gateway;
        this.principal = principal;
        this.cacheName = cacheName;
        this.resumeAt = resumeAt;
        this.sink = sink;
        this.metrics = metrics;
    }

    /**
     * Opens a stream that follows nothing yet, on the caller's Vert.x context. Throws the gateway's error (401, 403
     * without subscribe permission on any topic of the cache, 404 for a missing cache).
     */
    public static MultiTopicSubscription open(TopicGateway gateway, Principal principal, String cacheName,
                                              ResumePositions resumeAt, Sink sink, TernMetrics metrics) {
        MultiTopicSubscription stream = new MultiTopicSubscription(gateway, principal, cacheName, resumeAt, sink, metrics);
        stream.streamWatch = gateway.watchStream(principal, cacheName, stream::end);
        return stream;
    }

    /**
     * Follows a topic by name: from {@code from} when given, else after the resume position the client sent,
     * else live. Throws the gateway's error (403, 404, 429) or a per-connection limit (429). False when it was
     * followed already.
     */
    public boolean follow(TopicKey topic, StartPosition from) {
        requireOwnCache(topic);
        if (topics.containsKey(topic)) {
            return false;
        }
        StartPosition start = from != null ? from : resumeOr(topic, PROBE);
        subscribe(topic, start);
        return true;
    }

    /**
     * Follows every topic whose name starts with {@code prefix}, now and as they appear. 403 unless the token may
     * subscribe to every topic under it; 400 beyond {@link #MAX_PREFIXES}; 429 when the topics already there are
     * more than the connection may follow. False when the prefix was followed already.
     */
    public boolean followPrefix(String prefix) {
        if (prefixes.containsKey(prefix)) {
            return false;
        }
        if (prefixes.size() >= MAX_PREFIXES) {
            throw TernException.badRequest("a connection follows at most " + MAX_PREFIXES + " prefixes");
        }
        boolean[] opening = {true};
        Subscription watch = gateway.watchTopics(principal, cacheName, prefix, new TopicWatcher() {
            @Override
            public void found(TopicKey topic, boolean existed) {
                if (topics.containsKey(topic) || ended) {
                    return;
                }
                // Topics there when the watch began start live (or where the client resumes); later ones, from their
                // first message.
                StartPosition start = resumeOr(topic, existed && !resumeAt.resuming() ? PROBE : FROM_FIRST);
                if (opening[0]) {
                    subscribe(topic, start); // a refusal while opening refuses the prefix: the caller answers it
                    return;
                }
                try {
                    subscribe(topic, start);
                } catch (TernException e) {
                    metrics.recordRejected(e.kind());
                    sink.fail(topic, e);
                }
            }

            @Override
            public void ended(SubscriptionEnd reason) {
                end(reason); // the engine stops (a stream of prefixes alone has no topic subscription to hear it from)
            }
        });
        opening[0] = false;
        prefixes.put(prefix, watch);
        return true;
    }

    /** Stops following a topic; false when it was not followed. A prefix that matches it may bring it back. */
    public boolean unfollow(TopicKey topic) {
        Followed followed = topics.remove(topic);
        if (followed == null) {
            return false;
        }
        followed.subscription.close();
        return true;
    }

    /** Stops watching for new topics under a prefix (the topics found so far stay followed). */
    public boolean unfollowPrefix(String prefix) {
        Subscription watch = prefixes.remove(prefix);
        if (watch == null) {
            return false;
        }
        watch.cancel();
        return true;
    }

    /** The last position delivered (or probed) of every topic, in the order they were followed. */
    public Map<TopicKey, TopicPosition> positions() {
        return Collections.unmodifiableMap(positions);
    }

    public int topicCount() {
        return topics.size();
    }

    /** The client went away: releases every subscription. Idempotent. */
    public void close() {
        ended = true;
        if (streamWatch != null) {
            streamWatch.cancel();
        }
        prefixes.values().forEach(Subscription::cancel);
        prefixes.clear();
        topics.values().forEach(followed -> followed.subscription.close());
        topics.clear();
    }

    /** The whole stream ends, once, whichever of its parts (or the stream's own watch) hears of it first. */
    private void end(SubscriptionEnd reason) {
        if (!ended) {
            ended = true;
            sink.end(reason);
        }
    }

    private StartPosition resumeOr(TopicKey topic, StartPosition otherwise) {
        TopicPosition known = resumeAt.of(topic);
        return known == null ? otherwise : new StartPosition(known.sequenceNumber() + 1, known.sequencePage());
    }

    private void requireOwnCache(TopicKey topic) {
        if (!topic.cacheName().equals(cacheName)) {
            throw TernException.badRequest("a stream carries the topics of one cache");
        }
    }

    private void subscribe(TopicKey topic, StartPosition start) {
        if (topics.size() >= MAX_TOPICS) {
            throw TernException.limitExceeded(LimitKind.SUBSCRIPTIONS, "a connection follows at most " + MAX_TOPICS
                    + " topics; not following " + topic.topicName(), 1);
        }
        Followed followed = new Followed(topic, start == PROBE);
        followed.subscription = ResumingSubscription.open(gateway, principal, topic, start, followed, metrics);
        topics.put(topic, followed);
    }

    /** One followed topic: the sink of its resuming subscription. */
    private final class Followed implements ResumingSubscription.Sink {
        final TopicKey topic;
        /** Waiting for the probe's answer, which is kept and not shown. */
        boolean probing;
        ResumingSubscription subscription;

        Followed(TopicKey topic, boolean probing) {
            this.topic = topic;
            this.probing = probing;
        }

        @Override
        public SubscriberTransport transport() {
            return sink.transport();
        }

        @Override
        public void write(SubscriptionEvent event) {
            if (event instanceof TopicItem item) {
                probing = false;
                positions.put(topic, new TopicPosition(item.sequencePage(), item.sequenceNumber()));
                sink.write(topic, event);
            } else if (event instanceof Discontinuity gap) {
                positions.put(topic, new TopicPosition(gap.newSequencePage(), gap.newSequence() - 1));
                if (probing && StartPosition.answersProbe(gap)) {
                    probing = false;
                    sink.positioned(topic);
                } else {
                    sink.write(topic, event);
                }
            }
        }

        @Override
        public boolean writeQueueFull() {
            return sink.writeQueueFull();
        }

        @Override
        public void onDrain(Runnable drained) {
            sink.onDrain(drained);
        }

        @Override
        public void end(SubscriptionEnd reason) {
            MultiTopicSubscription.this.end(reason);
        }

        @Override
        public void fail(TernException error) {
            topics.remove(topic, this);
            sink.fail(topic, error);
        }
    }
}
