package dev.tern.redis;

import dev.tern.error.TernException;
import dev.tern.topic.Discontinuity;
import dev.tern.topic.EngineSubscription;
import dev.tern.topic.EngineStats;
import dev.tern.topic.PublishReceipt;
import dev.tern.topic.ResumePlan;
import dev.tern.topic.StartPosition;
import dev.tern.topic.Subscription;
import dev.tern.topic.SubscriptionEnd;
import dev.tern.topic.SubscriptionEvent;
import dev.tern.topic.SubscriptionListener;
import dev.tern.topic.TopicEngine;
import dev.tern.topic.TopicItem;
import dev.tern.topic.TopicKey;
import dev.tern.topic.TopicListing;
import dev.tern.topic.TopicSettings;
import dev.tern.topic.TopicSnapshot;
import dev.tern.topic.TopicValue;
import dev.tern.topic.TopicWatcher;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * Topics shared by every node through Redis. Redis holds each topic's page, sequence counter and bounded history
 * (a stream); one script appends and numbers a message atomically and announces it on the topic's channel. Each node
 * listens only on the channels of topics it has subscribers for and fans messages out locally, grouped by event loop.
 * <p>
 * Ordering: a node keeps, per topic, the last message it passed on (its cursor). A message that does not follow the
 * cursor (a gap: the pub/sub connection dropped, or Redis restarted) is held back while the node reads the missing
 * messages from the stream; what the stream no longer has becomes a {@link Discontinuity}. Each subscription then
 * keeps its own position, so its stream is contiguous or carries an explicit discontinuity, whatever reaches it.
 * <p>
 * Threads: node-wide topic state lives on the Redis context only; a subscription's state lives on its own context.
 */
public final class RedisTopicEngine implements TopicEngine {
    private static final Logger LOG = LoggerFactory.getLogger(RedisTopicEngine.class);
    private static final long RETRY_MILLIS = 250;
    /** How far before a live-only subscribe call its start may reach (see {@link #pinLiveStart}). */
    static final long LIVE_GRACE_MILLIS = 1_000;

    private final RedisBackend redis;
    private final TopicSettings settings;
    private final long ttlMillis;
    private final Map<TopicKey, NodeTopic> topics = new HashMap<>();
    /** The keys of {@link #topics}, readable from any thread: the topics this node follows. */
    private final Set<TopicKey> followed = ConcurrentHashMap.newKeySet();
    private final Counters counters = new Counters();
    private final RedisTopicWatches watches;
    /** This node's publishes per topic (Redis context). */
    private final OwnPublishes ownPublishes = new OwnPublishes();
    private final SharedTopicFigures sharedFigures;
    private final long sweepTimer;
    private volatile int topicCount;
    private volatile boolean closed;

    public RedisTopicEngine(RedisBackend redis, TopicSettings settings) {
        this.redis = redis;
        this.settings = settings;
        this.ttlMillis = Math.max(1000, settings.idleTimeout().toMillis());
        this.watches = new RedisTopicWatches(redis);
        long sweepMillis = Math.max(100, Math.min(10_000, ttlMillis / 3));
        this.sweepTimer = redis.vertx().setPeriodic(sweepMillis, id -> sweep());
        this.sharedFigures = new SharedTopicFigures(redis, () -> localFigures(null));
    }

    @Override
    public Future<PublishReceipt> publish(TopicKey key, TopicValue value, String publisherId) {
        Context caller = Vertx.currentContext();
        Future<PublishReceipt> stored = redis.evalAcknowledged(LuaScript.PUBLISH,
                List.of(RedisKeys.meta(key), RedisKeys.stream(key)),
                List.of(settings.historyMessages(), ttlMillis, TopicRecords.kind(value), value.bytes(),
                        publisherId == null ? "" : publisherId, RedisKeys.channel(key), redis.publishCommand(),
                        settings.historyBytes(), topicsChannel(key), key.topicName()))
                .map(reply -> {
                    counters.publishes.increment();
                    // Redis replies on its own event loop, where this node's topic state lives.
                    ownPublishes.record(key, System.nanoTime());
                    return new PublishReceipt(reply.get(0).toLong(), reply.get(1).toLong());
                })
                .recover(failure -> Future.failedFuture(failure instanceof TernException tern ? tern
                        : TernException.unavailable("message not stored: Redis is unavailable (" + failure.getMessage() + ")")));
        return RedisBackend.on(caller, stored);
    }

    @Override
    public Subscription subscribe(TopicKey key, StartPosition from, SubscriptionListener listener) {
        Context context = Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("subscribe must be called on a Vert.x context");
        }
        RedisSubscription subscription = new RedisSubscription(key, from, listener, context);
        redis.context().runOnContext(v -> attach(subscription));
        return subscription;
    }

    @Override
    public void deleteCache(String cacheName) {
        redis.context().runOnContext(v -> {
            watches.end(cacheName::equals, SubscriptionEnd.CACHE_DELETED);
            endWhere(key -> key.cacheName().equals(cacheName), SubscriptionEnd.CACHE_DELETED);
            ownPublishes.forgetCache(cacheName);
        });
    }

    /** Topics created on any node are announced through Redis (see {@link RedisTopicWatches}); 400 on a cluster. */
    @Override
    public Subscription watchTopics(String cacheName, TopicWatcher watcher) {
        return watches.watch(cacheName, watcher);
    }

    /** Where a new topic is announced for prefix watchers; none on a cluster, which does not offer prefixes. */
    private String topicsChannel(TopicKey key) {
        return redis.isCluster() ? "" : RedisKeys.topicsChannel(key.cacheName());
    }

    @Override
    public void close() {
        closed = true;
        CountDownLatch done = new CountDownLatch(1);
        redis.context().runOnContext(v -> {
            redis.vertx().cancelTimer(sweepTimer);
            watches.end(cacheName -> true, SubscriptionEnd.SHUTDOWN);
            endWhere(key -> true, SubscriptionEnd.SHUTDOWN);
            sharedFigures.stop().onComplete(ar -> done.countDown());
        });
        if (Vertx.currentContext() != redis.context()) {
            try {
                done.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isAvailable() {
        return redis.isAvailable();
    }

    /** Whether this node follows the topic (has, or had within the linger, a subscriber to it here). */
    @Override
    public boolean holdsTopic(TopicKey topic) {
        return followed.contains(topic);
    }

    /** The topics this node follows, a live view readable from any thread. */
    Set<TopicKey> followedTopics() {
        return Collections.unmodifiableSet(followed);
    }

    /** How long a topic lives in Redis after its last publish, read or touch. */
    long topicTtlMillis() {
        return ttlMillis;
    }

    @Override
    public EngineStats stats() {
        return counters;
    }

    /**
     * Every node's figures summed (see {@link SharedTopicFigures}): the topics that have a subscriber on some node or
     * were published to through some node in the last minute, their subscribers on every node, publishes per second
     * over all nodes, and the idle time since the latest publish any node knows of. Page, sequence and history are
     * read from Redis by {@link #withStoredFigures}, for the topics shown.
     */
    @Override
    public Future<TopicListing> topics(String cacheName) {
        Context caller = Vertx.currentContext();
        Promise<TopicListing> listed = Promise.promise();
        redis.context().runOnContext(v -> {
            Map<String, TopicFigures> mine = localFigures(cacheName).getOrDefault(cacheName, Map.of());
            sharedFigures.listing(cacheName, mine).onComplete(listed);
        });
        return RedisBackend.on(caller, listed.future());
    }

    /**
     * Page, last sequence number and history of each topic as Redis holds them, and the idle time since the newest
     * message Redis holds (every node's publishes; the nodes' least idle time stands when none is retained). One read
     * per topic, in parallel.
     */
    @Override
    public Future<List<TopicSnapshot>> withStoredFigures(String cacheName, List<TopicSnapshot> topics) {
        Context caller = Vertx.currentContext();
        List<Future<TopicSnapshot>> reads = new ArrayList<>(topics.size());
        for (TopicSnapshot topic : topics) {
            TopicKey key = new TopicKey(cacheName, topic.topicName());
            reads.add(redis.eval(LuaScript.TOPIC_STATE, List.of(RedisKeys.meta(key), RedisKeys.stream(key)), List.of())
                    .map(state -> topic.withStored(figure(state.get(0)), figure(state.get(1)),
                            state.get(3).toLong(), Math.max(0, figure(state.get(2))), figure(state.get(4)))));
        }
        Future<List<TopicSnapshot>> all = Future.all(reads).map(done -> {
            List<TopicSnapshot> filled = new ArrayList<>(reads.size());
            for (Future<TopicSnapshot> read : reads) {
                filled.add(read.result());
            }
            return filled;
        }).recover(failure -> Future.failedFuture(failure instanceof TernException tern ? tern
                : TernException.unavailable("cannot read the topics' state: Redis is unavailable (" + failure.getMessage() + ")")));
        return RedisBackend.on(caller, all);
    }

    /** A number from a script's reply; '' (the topic's keys expired) is unknown. */
    private static long figure(Response value) {
        String text = value == null ? "" : value.toString();
        return text.isEmpty() ? TopicSnapshot.UNKNOWN : Long.parseLong(text);
    }

    /**
     * This node's live figures by cache and topic ({@code cacheName} null: every cache): the topics it has (or lately
     * had) subscribers for and those it published to in the last minute. Redis context.
     */
    private Map<String, Map<String, TopicFigures>> localFigures(String cacheName) {
        long nowNanos = System.nanoTime();
        long nowMillis = System.currentTimeMillis();
        Map<String, Map<String, TopicFigures>> byCache = new HashMap<>();
        for (NodeTopic topic : topics.values()) {
            if (!topic.removed && (cacheName == null || topic.key.cacheName().equals(cacheName))) {
                topic.addFigures(figuresOf(byCache, topic.key), nowNanos, nowMillis);
            }
        }
        ownPublishes.forEach((key, publishes) -> {
            if (cacheName == null || key.cacheName().equals(cacheName)) {
                long lastMinute = publishes.lastMinute(nowNanos);
                if (lastMinute > 0) {
                    TopicFigures figures = figuresOf(byCache, key);
                    figures.addPublishes(lastMinute);
                    figures.publishedAt(nowMillis - (nowNanos - publishes.lastNanos()) / 1_000_000);
                }
            }
        });
        return byCache;
    }

    private static TopicFigures figuresOf(Map<String, Map<String, TopicFigures>> byCache, TopicKey key) {
        return byCache.computeIfAbsent(key.cacheName(), c -> new HashMap<>())
                .computeIfAbsent(key.topicName(), t -> new TopicFigures());
    }

    // ---- on the Redis context ----

    private void attach(RedisSubscription subscription) {
        if (!subscription.isActive()) {
            return;
        }
        if (closed) {
            subscription.context.runOnContext(v -> subscription.end(SubscriptionEnd.SHUTDOWN));
            return;
        }
        NodeTopic topic = topics.computeIfAbsent(subscription.key, NodeTopic::new);
        followed.add(subscription.key);
        topicCount = topics.size();
        topic.add(subscription);
        if (subscription.from.isLiveOnly()) {
            pinLiveStart(topic, subscription);
        } else {
            listenThenLoad(topic, subscription);
        }
    }

    /**
     * "Live only" means: every message published after the subscribe call. The node cannot listen on the channel
     * before that call returns, so the start is pinned by time instead: the first message Redis stored at or after
     * the call (less {@link #LIVE_GRACE_MILLIS} for scheduling delays and clock skew between node and Redis); the
     * subscription then resumes from there like any other. A live-only subscriber may so also receive messages
     * published up to that grace before it subscribed, but none published after.
     */
    private void pinLiveStart(NodeTopic topic, RedisSubscription subscription) {
        if (!subscription.isActive() || topic.removed) {
            return;
        }
        read(subscription.key, 0, 0, subscription.subscribedAtMillis - LIVE_GRACE_MILLIS).onComplete(ar -> {
            if (ar.succeeded()) {
                subscription.from = new StartPosition(ar.result().pin, ar.result().page);
                listenThenLoad(topic, subscription);
            } else {
                redis.vertx().setTimer(RETRY_MILLIS, id -> pinLiveStart(topic, subscription));
            }
        });
    }

    /** The start position is read only once the node listens on the topic, so no later message can slip by. */
    private void listenThenLoad(NodeTopic topic, RedisSubscription subscription) {
        topic.listen()
                .onSuccess(v -> loadStart(topic, subscription))
                .onFailure(e -> redis.vertx().setTimer(RETRY_MILLIS, id -> {
                    if (subscription.isActive() && !topic.removed) {
                        listenThenLoad(topic, subscription);
                    }
                }));
    }

    /** Reads where the subscription starts and its replay; retried until Redis answers or the subscriber leaves. */
    private void loadStart(NodeTopic topic, RedisSubscription subscription) {
        if (!subscription.isActive() || topic.removed) {
            return;
        }
        StartPosition from = subscription.from;
        read(subscription.key, from.isLiveOnly() ? 0 : from.sequenceNumber(), from.sequencePage(), 0)
                .onSuccess(state -> {
                    topic.learnCursor(state.page, state.lastSequence);
                    ResumePlan plan = ResumePlan.of(state.page, state.firstRetained(), state.lastSequence, from);
                    List<TopicItem> replay = new ArrayList<>();
                    for (TopicItem item : state.items) {
                        if (item.sequenceNumber() >= plan.replayFrom()) {
                            replay.add(item);
                        }
                    }
                    subscription.context.runOnContext(v -> subscription.start(state.page, plan, replay));
                })
                .onFailure(failure -> redis.vertx().setTimer(RETRY_MILLIS, id -> loadStart(topic, subscription)));
    }

    private Future<TopicState> read(TopicKey key, long fromSequence, long knownPage, long pinSinceMillis) {
        return redis.eval(LuaScript.READ, List.of(RedisKeys.meta(key), RedisKeys.stream(key)),
                        List.of(fromSequence, settings.historyMessages(), ttlMillis, knownPage, pinSinceMillis,
                                topicsChannel(key), key.topicName()))
                .map(reply -> {
                    long page = reply.get(0).toLong();
                    return new TopicState(page, reply.get(1).toLong(), TopicRecords.fromStream(page, reply.get(2)),
                            reply.get(3).toLong());
                });
    }

    private void endWhere(Predicate<TopicKey> selected, SubscriptionEnd reason) {
        for (NodeTopic topic : List.copyOf(topics.values())) {
            if (selected.test(topic.key)) {
                topic.end(reason);
            }
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        long lingerNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(ttlMillis, 30_000));
        for (NodeTopic topic : List.copyOf(topics.values())) {
            if (topic.subscriberCount > 0) {
                // Subscribers keep a topic alive in Redis even when nobody publishes, as in the in-memory engine.
                redis.eval(LuaScript.TOUCH, List.of(RedisKeys.meta(topic.key), RedisKeys.stream(topic.key)), List.of(ttlMillis));
            } else if (now - topic.lastLocalActivityNanos > lingerNanos) {
                topic.forget();
            }
        }
        ownPublishes.sweep(now);
    }

    /** A topic's place and history as read from Redis; {@code pin}: where a live-only subscriber starts, if asked. */
    private record TopicState(long page, long lastSequence, List<TopicItem> items, long pin) {
        long firstRetained() {
            return items.isEmpty() ? lastSequence + 1 : items.get(0).sequenceNumber();
        }
    }

    /** This node's view of one topic: its local subscribers grouped by context, and the cursor of the live feed. */
    private final class NodeTopic implements RedisChannels.Listener {
        final TopicKey key;
        final String channel;
        private final Map<Context, Group> groups = new HashMap<>();
        private final ArrayDeque<TopicItem> heldBack = new ArrayDeque<>();
        int subscriberCount;
        long lastLocalActivityNanos = System.nanoTime();
        boolean removed;
        private long cursorPage;
        private long cursorSequence;
        private boolean filling;
        /** When the live feed last carried a message (any node's publish), or when the topic came to be here. */
        private long lastPublishNanos = lastLocalActivityNanos;

        NodeTopic(TopicKey key) {
            this.key = key;
            this.channel = RedisKeys.channel(key);
        }

        Future<Void> listen() {
            return redis.topicChannels().listen(channel, this);
        }

        void add(RedisSubscription subscription) {
            Group group = groups.computeIfAbsent(subscription.context, Group::new);
            group.add(subscription);
            subscription.group = group;
            subscription.topic = this;
            subscriberCount++;
            lastLocalActivityNanos = System.nanoTime();
        }

        void remove(RedisSubscription subscription) {
            Group group = subscription.group;
            if (group == null || !group.remove(subscription)) {
                return;
            }
            subscriberCount--;
            lastLocalActivityNanos = System.nanoTime();
            if (group.isEmpty()) {
                groups.remove(group.context);
            }
        }

        @Override
        public void onMessage(Buffer payload) {
            TopicItem item = TopicRecords.fromChannel(payload);
            if (item == null) {
                LOG.warn("ignoring a malformed message on {}", channel);
                return;
            }
            if (filling) {
                holdBack(item);
            } else {
                accept(item);
            }
        }

        @Override
        public void onListening() {
            // Confirmed again after a lost connection: catch up on what was published meanwhile.
            if (cursorPage != 0 && !filling) {
                fill();
            }
        }

        /** The first read of the topic tells where the live feed stands, so a gap is seen even before any message. */
        void learnCursor(long page, long lastSequence) {
            if (cursorPage == 0) {
                cursorPage = page;
                cursorSequence = lastSequence;
            }
        }

        private void accept(TopicItem item) {
            if (cursorPage == 0 || (item.sequencePage() == cursorPage && item.sequenceNumber() == cursorSequence + 1)) {
                advance(item);
                dispatch(item);
            } else if (item.sequencePage() == cursorPage && item.sequenceNumber() <= cursorSequence) {
                // Passed on already (from the stream) or older than the read that set the cursor: a subscription that
                // started from an earlier read may still need it; every subscription drops what it has had.
                dispatch(item);
            } else if (item.sequencePage() < cursorPage) {
                // From a page this topic has left behind.
            } else {
                holdBack(item);
                fill();
            }
        }

        private void advance(TopicItem item) {
            cursorPage = item.sequencePage();
            cursorSequence = item.sequenceNumber();
            lastPublishNanos = System.nanoTime();
        }

        /** Adds this node's subscribers and the latest publish its feed carried (publishes are counted by who made them). */
        void addFigures(TopicFigures figures, long nowNanos, long nowMillis) {
            for (Group group : groups.values()) {
                for (RedisSubscription member : group.members) {
                    figures.addSubscriber(member.transport());
                }
            }
            figures.publishedAt(nowMillis - (nowNanos - lastPublishNanos) / 1_000_000);
        }

        private void holdBack(TopicItem item) {
            heldBack.addLast(item);
            while (heldBack.size() > settings.historyMessages()) {
                heldBack.removeFirst(); // the stream still has them, or they are lost either way
            }
        }

        /** Reads what follows the cursor from the stream, passes it on, then the messages held back meanwhile. */
        private void fill() {
            if (removed) {
                return;
            }
            filling = true;
            read(key, cursorSequence + 1, cursorPage, 0).onComplete(ar -> {
                if (removed) {
                    return;
                }
                if (ar.failed()) {
                    redis.vertx().setTimer(RETRY_MILLIS, id -> fill());
                    return;
                }
                TopicState state = ar.result();
                if (state.page != cursorPage) {
                    Discontinuity gap = new Discontinuity(cursorSequence, state.firstRetained(), state.page);
                    cursorPage = state.page;
                    cursorSequence = state.firstRetained() - 1;
                    dispatch(gap);
                } else if (state.firstRetained() > cursorSequence + 1) {
                    Discontinuity gap = new Discontinuity(cursorSequence, state.firstRetained(), state.page);
                    cursorSequence = state.firstRetained() - 1;
                    dispatch(gap);
                }
                for (TopicItem item : state.items) {
                    if (item.sequenceNumber() == cursorSequence + 1) {
                        advance(item);
                        dispatch(item);
                    }
                }
                filling = false;
                List<TopicItem> held = new ArrayList<>(heldBack);
                heldBack.clear();
                for (TopicItem item : held) {
                    if (filling) {
                        holdBack(item);
                    } else {
                        accept(item);
                    }
                }
            });
        }

        private void dispatch(SubscriptionEvent event) {
            for (Group group : groups.values()) {
                group.dispatch(event);
            }
        }

        void end(SubscriptionEnd reason) {
            for (Group group : groups.values()) {
                RedisSubscription[] members = group.members;
                group.context.runOnContext(v -> {
                    for (RedisSubscription member : members) {
                        member.end(reason);
                    }
                });
            }
            groups.clear();
            subscriberCount = 0;
            forget();
        }

        void forget() {
            removed = true;
            redis.topicChannels().unlisten(channel);
            if (topics.remove(key, this)) {
                followed.remove(key);
            }
            topicCount = topics.size();
        }
    }

    /** The subscribers of one topic on one context; the member array is replaced on change (Redis context). */
    private final class Group {
        final Context context;
        volatile RedisSubscription[] members = new RedisSubscription[0];

        Group(Context context) {
            this.context = context;
        }

        void dispatch(SubscriptionEvent event) {
            RedisSubscription[] targets = members;
            context.runOnContext(v -> {
                int delivered = 0;
                for (RedisSubscription member : targets) {
                    if (member.offer(event)) {
                        delivered++;
                    }
                }
                counters.deliveries.add(delivered);
            });
        }

        void add(RedisSubscription subscription) {
            RedisSubscription[] grown = Arrays.copyOf(members, members.length + 1);
            grown[members.length] = subscription;
            members = grown;
        }

        boolean remove(RedisSubscription subscription) {
            RedisSubscription[] left = Arrays.stream(members).filter(m -> m != subscription).toArray(RedisSubscription[]::new);
            boolean found = left.length != members.length;
            members = left;
            return found;
        }

        boolean isEmpty() {
            return members.length == 0;
        }
    }

    /**
     * One subscriber. Until its start position is read it holds the live events it receives; from then on it passes
     * on exactly the next message of its page, drops what it already had, and reports anything else as a
     * discontinuity. State is touched only on its own context (topic and group are set on the Redis context before
     * any event can reach it).
     */
    private final class RedisSubscription extends EngineSubscription {
        final TopicKey key;
        /** Where it starts; a live-only start is pinned to a position on the Redis context before it is read. */
        volatile StartPosition from;
        final Context context;
        /** When the subscribe call was made (epoch ms): a live-only subscriber gets what was published from then. */
        final long subscribedAtMillis = System.currentTimeMillis();
        volatile NodeTopic topic;
        volatile Group group;
        private List<SubscriptionEvent> early = new ArrayList<>();
        private long page;
        private long next;

        RedisSubscription(TopicKey key, StartPosition from, SubscriptionListener listener, Context context) {
            super(listener, counters.subscribers);
            this.key = key;
            this.from = from;
            this.context = context;
        }

        void start(long currentPage, ResumePlan plan, List<TopicItem> replay) {
            if (!isActive() || early == null) {
                return;
            }
            page = currentPage;
            next = plan.replayFrom();
            if (plan.discontinuity() != null) {
                listener.onEvent(plan.discontinuity());
            }
            for (TopicItem item : replay) {
                if (!isActive()) {
                    return;
                }
                if (item.sequenceNumber() == next) {
                    next++;
                    listener.onEvent(item);
                    counters.deliveries.increment();
                }
            }
            List<SubscriptionEvent> held = early;
            early = null;
            for (SubscriptionEvent event : held) {
                offer(event);
            }
        }

        /** Returns true when the event was an item passed on to the listener. */
        boolean offer(SubscriptionEvent event) {
            if (!isActive()) {
                return false;
            }
            if (early != null) {
                early.add(event);
                return false;
            }
            if (event instanceof Discontinuity gap) {
                if (gap.newSequencePage() > page || (gap.newSequencePage() == page && gap.newSequence() > next)) {
                    listener.onEvent(new Discontinuity(next - 1, gap.newSequence(), gap.newSequencePage()));
                    page = gap.newSequencePage();
                    next = gap.newSequence();
                }
                return false;
            }
            if (!(event instanceof TopicItem item) || item.sequencePage() < page) {
                return false;
            }
            if (item.sequencePage() > page || item.sequenceNumber() > next) {
                listener.onEvent(new Discontinuity(next - 1, item.sequenceNumber(), item.sequencePage()));
                page = item.sequencePage();
                next = item.sequenceNumber();
            }
            if (item.sequenceNumber() < next) {
                return false;
            }
            next = item.sequenceNumber() + 1;
            listener.onEvent(item);
            return true;
        }

        @Override
        protected void leaveTopic() {
            redis.context().runOnContext(v -> {
                NodeTopic owner = topic;
                if (owner != null) {
                    owner.remove(this);
                }
            });
        }
    }

    private final class Counters implements EngineStats {
        final LongAdder publishes = new LongAdder();
        final LongAdder deliveries = new LongAdder();
        final LongAdder subscribers = new LongAdder();

        @Override
        public long publishes() {
            return publishes.sum();
        }

        @Override
        public long deliveries() {
            return deliveries.sum();
        }

        @Override
        public long subscribers() {
            return subscribers.sum();
        }

        @Override
        public long topics() {
            return topicCount;
        }
    }
}
