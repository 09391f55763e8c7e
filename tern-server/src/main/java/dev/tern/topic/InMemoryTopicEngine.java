package dev.tern.topic;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * The embedded engine: every topic lives in this process. A publish takes the topic's lock only to assign the
 * sequence number and append to history; fan-out is one task per event loop that has subscribers.
 */
public final class InMemoryTopicEngine implements TopicEngine {
    private final Vertx vertx;
    private final TopicSettings settings;
    private final SequencePages pages = new SequencePages();
    private static final SubscriberTransport[] TRANSPORTS = SubscriberTransport.values();
    private final ConcurrentHashMap<TopicKey, MemoryTopic> topics = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> topicsPerCache = new ConcurrentHashMap<>();
    /** Bytes of message values in every topic's history, bounded by {@link TopicSettings#maxHistoryMemory()}. */
    private final AtomicLong historyBytes = new AtomicLong();
    private final AtomicBoolean trimming = new AtomicBoolean();
    private final Counters counters = new Counters();
    /** Per cache, who wants to hear of its new topics (prefix subscriptions); empty for most caches. */
    private final ConcurrentHashMap<String, CopyOnWriteArrayList<TopicWatch>> watches = new ConcurrentHashMap<>();
    private final long evictionTimer;

    public InMemoryTopicEngine(Vertx vertx, TopicSettings settings) {
        this.vertx = vertx;
        this.settings = settings;
        long sweepMillis = Math.max(100, Math.min(10_000, settings.idleTimeout().toMillis() / 2));
        this.evictionTimer = vertx.setPeriodic(sweepMillis, id -> evictIdleTopics());
    }

    @Override
    public Future<PublishReceipt> publish(TopicKey key, TopicValue value, String publisherId) {
        while (true) {
            MemoryTopic topic = topics.computeIfAbsent(key, this::newTopic);
            TopicItem item = topic.append(value, publisherId);
            if (item != null) {
                counters.publishes.increment();
                if (historyBytes.get() > settings.maxHistoryMemory()) {
                    trimIdlestHistories();
                }
                return Future.succeededFuture(new PublishReceipt(item.sequencePage(), item.sequenceNumber()));
            }
            // The topic was evicted between lookup and append; the next lookup makes a new one.
        }
    }

    @Override
    public Subscription subscribe(TopicKey key, StartPosition from, SubscriptionListener listener) {
        Context context = Objects.requireNonNull(Vertx.currentContext(), "subscribe must be called on a Vert.x context");
        while (true) {
            MemoryTopic topic = topics.computeIfAbsent(key, this::newTopic);
            MemorySubscription subscription = topic.subscribe(from, listener, context);
            if (subscription != null) {
                return subscription;
            }
        }
    }

    @Override
    public void deleteCache(String cacheName) {
        // A cache created again with the name is a new cache: its watchers end with the old one.
        endWatches(watches.remove(cacheName), SubscriptionEnd.CACHE_DELETED);
        endWhere(key -> key.cacheName().equals(cacheName), SubscriptionEnd.CACHE_DELETED);
    }

    @Override
    public void discardTopic(TopicKey key, long page) {
        MemoryTopic topic = topics.get(key);
        if (topic != null && topic.page == page && forget(topic)) {
            topic.end(SubscriptionEnd.CACHE_DELETED);
        }
    }

    @Override
    public boolean holdsTopic(TopicKey key) {
        return topics.containsKey(key);
    }

    @Override
    public long topicCount(String cacheName) {
        AtomicInteger count = topicsPerCache.get(cacheName);
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() {
        vertx.cancelTimer(evictionTimer);
        for (String cacheName : List.copyOf(watches.keySet())) {
            endWatches(watches.remove(cacheName), SubscriptionEnd.SHUTDOWN);
        }
        endWhere(key -> true, SubscriptionEnd.SHUTDOWN);
    }

    @Override
    public EngineStats stats() {
        return counters;
    }

    @Override
    public Subscription watchTopics(String cacheName, TopicWatcher watcher) {
        Context context = Objects.requireNonNull(Vertx.currentContext(), "watchTopics must be called on a Vert.x context");
        TopicWatch watch = new TopicWatch(cacheName, context, watcher);
        watches.computeIfAbsent(cacheName, name -> new CopyOnWriteArrayList<>()).add(watch);
        try {
            for (TopicKey key : topics.keySet()) {
                if (key.cacheName().equals(cacheName)) {
                    watch.tell(key, true);
                }
            }
        } catch (RuntimeException e) {
            watch.cancel(); // the listener refused a topic there now: the caller gets no watch to cancel
            throw e;
        }
        return watch;
    }

    @Override
    public Future<TopicListing> topics(String cacheName) {
        long now = System.nanoTime();
        List<TopicSnapshot> snapshots = new ArrayList<>();
        for (MemoryTopic topic : topics.values()) {
            if (topic.key.cacheName().equals(cacheName)) {
                TopicSnapshot snapshot = topic.snapshot(now);
                if (snapshot != null) {
                    snapshots.add(snapshot);
                }
            }
        }
        return Future.succeededFuture(new TopicListing(TopicListing.SERVER, 1, snapshots));
    }

    private MemoryTopic newTopic(TopicKey key) {
        CopyOnWriteArrayList<TopicWatch> watching = watches.get(key.cacheName());
        if (watching != null) {
            // Told after the topic is in the map (this runs inside computeIfAbsent), so a watcher that subscribes finds it.
            for (TopicWatch watch : watching) {
                watch.context.runOnContext(v -> watch.tell(key, false));
            }
        }
        topicsPerCache.computeIfAbsent(key.cacheName(), name -> new AtomicInteger()).incrementAndGet();
        return new MemoryTopic(key, pages.next());
    }

    /** A prefix subscription's interest in the new topics of one cache. */
    private final class TopicWatch implements Subscription {
        final String cacheName;
        final Context context;
        final TopicWatcher watcher;
        volatile boolean cancelled;

        TopicWatch(String cacheName, Context context, TopicWatcher watcher) {
            this.cacheName = cacheName;
            this.context = context;
            this.watcher = watcher;
        }

        void tell(TopicKey key, boolean existed) {
            if (!cancelled) {
                watcher.found(key, existed);
            }
        }

        void end(SubscriptionEnd reason) {
            context.runOnContext(v -> {
                if (!cancelled) {
                    cancelled = true;
                    watcher.ended(reason);
                }
            });
        }

        @Override
        public void cancel() {
            cancelled = true;
            CopyOnWriteArrayList<TopicWatch> watching = watches.get(cacheName);
            if (watching != null) {
                watching.remove(this);
            }
        }
    }

    private static void endWatches(List<TopicWatch> ended, SubscriptionEnd reason) {
        if (ended != null) {
            ended.forEach(watch -> watch.end(reason));
        }
    }

    /** Removes the topic from the engine (once: true the first time) and releases its history and count. */
    private boolean forget(MemoryTopic topic) {
        if (!topics.remove(topic.key, topic)) {
            return false;
        }
        topic.retire();
        topicsPerCache.computeIfPresent(topic.key.cacheName(), (name, count) -> count.decrementAndGet() <= 0 ? null : count);
        return true;
    }

    private void endWhere(Predicate<TopicKey> selected, SubscriptionEnd reason) {
        for (MemoryTopic topic : List.copyOf(topics.values())) {
            if (selected.test(topic.key) && forget(topic)) {
                topic.end(reason);
            }
        }
    }

    private void evictIdleTopics() {
        long idleBefore = System.nanoTime() - settings.idleTimeout().toNanos();
        for (MemoryTopic topic : topics.values()) {
            if (topic.evictIfIdleSince(idleBefore)) {
                forget(topic);
            }
        }
    }

    /**
     * Past the history memory bound: drops the history of the topics idle the longest until a tenth of the bound is
     * free again, so that this runs once per tenth of the bound published rather than on every publish. Their
     * subscribers asking for what was dropped get a discontinuity (the resume rule sees it is no longer held).
     * One thread trims at a time; the others publish on.
     */
    private void trimIdlestHistories() {
        if (!trimming.compareAndSet(false, true)) {
            return;
        }
        try {
            long target = settings.maxHistoryMemory() - settings.maxHistoryMemory() / 10;
            // Snapshot the activity times first: they move while the topics are sorted.
            List<MemoryTopic> all = List.copyOf(topics.values());
            long[] activity = new long[all.size()];
            Integer[] order = new Integer[all.size()];
            for (int i = 0; i < order.length; i++) {
                activity[i] = all.get(i).lastActivityNanos;
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Long.compare(activity[a] - activity[b], 0));
            for (Integer index : order) {
                if (historyBytes.get() <= target) {
                    break;
                }
                all.get(index).dropHistory();
            }
        } finally {
            trimming.set(false);
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
            return topics.size();
        }

        @Override
        public long historyBytes() {
            return historyBytes.get();
        }
    }

    /** One topic: page, sequence, history and its subscribers grouped by event-loop thread. */
    private final class MemoryTopic {
        final TopicKey key;
        final long page;
        private final TopicHistory history = new TopicHistory(settings.historyMessages(), settings.historyBytes());
        private long lastSequence;
        /** Written under the lock; read without it only to pick the idlest topics. */
        private volatile long lastActivityNanos = System.nanoTime();
        private boolean removed;
        private SubscriberGroup[] groups = new SubscriberGroup[0];
        private int subscriberCount;
        /** Introspection figures, kept where the lock is already held: counts per transport, publish rate. */
        private final int[] subscribersByTransport = new int[TRANSPORTS.length];
        private final PublishRateWindow publishRate = new PublishRateWindow();
        private long lastPublishNanos = lastActivityNanos;

        MemoryTopic(TopicKey key, long page) {
            this.key = key;
            this.page = page;
        }

        /** Returns the appended item, or null when this topic was removed and the caller must look again. */
        TopicItem append(TopicValue value, String publisherId) {
            synchronized (this) {
                if (removed) {
                    return null;
                }
                TopicItem item = new TopicItem(page, ++lastSequence, value, publisherId, System.currentTimeMillis());
                long grown = history.append(item);
                if (grown != 0) {
                    // A full history drops as much as it takes: the shared counter is not touched (and not
                    // contended between event loops) on every publish.
                    historyBytes.addAndGet(grown);
                }
                lastActivityNanos = System.nanoTime();
                lastPublishNanos = lastActivityNanos;
                publishRate.record(lastActivityNanos);
                // Queued while the lock is held, so every event loop receives the items in sequence order; a
                // subscriber skips anything below the last sequence it saw, so a late, out-of-order item would be lost.
                // Queuing is one non-blocking task per event loop with subscribers.
                for (SubscriberGroup group : groups) {
                    group.dispatch(item);
                }
                return item;
            }
        }

        MemorySubscription subscribe(StartPosition from, SubscriptionListener listener, Context context) {
            synchronized (this) {
                if (removed) {
                    return null;
                }
                ResumePlan plan = ResumePlan.of(page, history.firstRetained(lastSequence + 1), lastSequence, from);
                List<TopicItem> replay = history.from(plan.replayFrom());
                MemorySubscription subscription =
                        new MemorySubscription(this, groupFor(context), listener, lastSequence + 1);
                subscription.group.add(subscription);
                subscriberCount++;
                subscribersByTransport[subscription.transport().ordinal()]++;
                // Queued while the lock is held, so that it runs before the delivery of any later publish.
                context.runOnContext(v -> subscription.start(plan.discontinuity(), replay));
                return subscription;
            }
        }

        /** Called with the lock held. */
        private SubscriberGroup groupFor(Context context) {
            Thread thread = Thread.currentThread();
            for (SubscriberGroup group : groups) {
                if (group.thread == thread) {
                    return group;
                }
            }
            SubscriberGroup group = new SubscriberGroup(thread, context);
            SubscriberGroup[] grown = Arrays.copyOf(groups, groups.length + 1);
            grown[groups.length] = group;
            groups = grown;
            return group;
        }

        synchronized void leave(MemorySubscription subscription) {
            SubscriberGroup group = subscription.group;
            group.remove(subscription);
            subscriberCount--;
            subscribersByTransport[subscription.transport().ordinal()]--;
            lastActivityNanos = System.nanoTime();
            if (group.isEmpty()) {
                groups = Arrays.stream(groups).filter(g -> g != group).toArray(SubscriberGroup[]::new);
            }
        }

        /** Null once removed: it is no longer live. */
        synchronized TopicSnapshot snapshot(long nowNanos) {
            if (removed) {
                return null;
            }
            Map<SubscriberTransport, Integer> subscribers = new EnumMap<>(SubscriberTransport.class);
            for (SubscriberTransport transport : TRANSPORTS) {
                subscribers.put(transport, subscribersByTransport[transport.ordinal()]);
            }
            return new TopicSnapshot(key.topicName(), page, lastSequence, subscribers, history.messages(),
                    history.bytes(), publishRate.perSecond(nowNanos), Math.max(0, (nowNanos - lastPublishNanos) / 1_000_000));
        }

        /** Drops this topic's history (the server's history memory is short); new messages are kept again. */
        synchronized void dropHistory() {
            if (!removed) {
                historyBytes.addAndGet(-history.clear());
            }
        }

        /** No more messages once the topic is forgotten; its history no longer counts. */
        synchronized void retire() {
            removed = true;
            historyBytes.addAndGet(-history.clear());
        }

        synchronized boolean evictIfIdleSince(long idleBeforeNanos) {
            if (subscriberCount == 0 && lastActivityNanos - idleBeforeNanos < 0) {
                removed = true;
            }
            return removed;
        }

        void end(SubscriptionEnd reason) {
            SubscriberGroup[] targets;
            synchronized (this) {
                removed = true;
                targets = groups;
            }
            for (SubscriberGroup group : targets) {
                group.context.runOnContext(v -> group.endAll(reason));
            }
        }
    }

    /**
     * The subscribers of one topic on one event-loop thread. Its member array is only touched on that thread,
     * so delivery needs no lock; it is copied on change so that a member may leave while others are served.
     */
    private final class SubscriberGroup {
        final Thread thread;
        final Context context;
        private MemorySubscription[] members = new MemorySubscription[0];

        SubscriberGroup(Thread thread, Context context) {
            this.thread = thread;
            this.context = context;
        }

        void dispatch(TopicItem item) {
            context.runOnContext(v -> deliver(item));
        }

        private void deliver(TopicItem item) {
            int delivered = 0;
            for (MemorySubscription member : members) {
                if (member.deliverLive(item)) {
                    delivered++;
                }
            }
            counters.deliveries.add(delivered);
        }

        void endAll(SubscriptionEnd reason) {
            for (MemorySubscription member : members) {
                member.end(reason);
            }
        }

        void add(MemorySubscription subscription) {
            MemorySubscription[] grown = Arrays.copyOf(members, members.length + 1);
            grown[members.length] = subscription;
            members = grown;
        }

        void remove(MemorySubscription subscription) {
            members = Arrays.stream(members).filter(m -> m != subscription).toArray(MemorySubscription[]::new);
        }

        boolean isEmpty() {
            return members.length == 0;
        }
    }

    private final class MemorySubscription extends EngineSubscription {
        private final MemoryTopic topic;
        final SubscriberGroup group;
        /** Live messages below this were part of the replay (or precede the subscription) and are skipped. */
        private long nextLive;

        MemorySubscription(MemoryTopic topic, SubscriberGroup group, SubscriptionListener listener, long nextLive) {
            super(listener, counters.subscribers);
            this.topic = topic;
            this.group = group;
            this.nextLive = nextLive;
        }

        void start(Discontinuity discontinuity, List<TopicItem> replay) {
            if (discontinuity != null && isActive()) {
                listener.onEvent(discontinuity);
            }
            for (TopicItem item : replay) {
                if (!isActive()) {
                    return;
                }
                listener.onEvent(item);
                counters.deliveries.increment();
            }
        }

        boolean deliverLive(TopicItem item) {
            if (!isActive() || item.sequenceNumber() < nextLive) {
                return false;
            }
            nextLive = item.sequenceNumber() + 1;
            listener.onEvent(item);
            return true;
        }

        @Override
        protected void leaveTopic() {
            topic.leave(this);
        }
    }
}
