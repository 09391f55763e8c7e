package dev.tern.redis;

import dev.tern.topic.Subscription;
import dev.tern.topic.SubscriptionEnd;
import dev.tern.topic.TopicKey;
import dev.tern.topic.TopicWatcher;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Prefix subscriptions on Redis: tells this node's watchers of a cache's topics, whichever node created them. The
 * script that gives a topic its page announces the topic's name on the cache's topics channel
 * ({@link RedisKeys#topicsChannel}); a node listens there only while it has a watcher for that cache, and lists the
 * topics already there with a {@code SCAN} when a watch begins (after it listens, so no topic falls between the two)
 * and again after its pub/sub connection was lost. A node without prefix watchers does nothing here.
 *
 * <p>Not offered on a Redis Cluster, where a {@code SCAN} sees one shard only.
 *
 * <p>Threads: the map of watches lives on the Redis context; each watcher is called on its own context.
 */
final class RedisTopicWatches {
    private static final Logger LOG = LoggerFactory.getLogger(RedisTopicWatches.class);
    private static final long RETRY_MILLIS = 250;
    private static final int SCAN_COUNT = 500;
    private static final String META_SUFFIX = "}:meta";

    private final RedisBackend redis;
    private final Map<String, CacheWatches> caches = new HashMap<>();
    private boolean closed;

    RedisTopicWatches(RedisBackend redis) {
        this.redis = redis;
    }

    /** See {@link dev.tern.topic.TopicEngine#watchTopics}; the topics there now are told soon after, not at once. */
    Subscription watch(String cacheName, TopicWatcher watcher) {
        if (redis.isCluster()) {
            throw new UnsupportedOperationException("a Redis Cluster cannot list a cache's topics");
        }
        Context context = Objects.requireNonNull(Vertx.currentContext(), "watchTopics must be called on a Vert.x context");
        Watch watch = new Watch(cacheName, context, watcher);
        redis.context().runOnContext(v -> add(watch));
        return watch;
    }

    /** Ends the watches of the selected caches (Redis context); after a shutdown, new watches end at once. */
    void end(Predicate<String> selected, SubscriptionEnd reason) {
        if (reason == SubscriptionEnd.SHUTDOWN) {
            closed = true;
        }
        for (CacheWatches cache : List.copyOf(caches.values())) {
            if (selected.test(cache.cacheName)) {
                caches.remove(cache.cacheName);
                redis.channels().unlisten(cache.channel);
                cache.watches.forEach(watch -> watch.end(reason));
            }
        }
    }

    // ---- on the Redis context ----

    private void add(Watch watch) {
        if (watch.cancelled) {
            return;
        }
        if (closed) {
            watch.end(SubscriptionEnd.SHUTDOWN);
            return;
        }
        CacheWatches cache = caches.computeIfAbsent(watch.cacheName, CacheWatches::new);
        cache.watches.add(watch);
        redis.channels().listen(cache.channel, cache).onSuccess(v -> scan(watch, "0", true));
    }

    private void remove(Watch watch) {
        CacheWatches cache = caches.get(watch.cacheName);
        if (cache != null && cache.watches.remove(watch) && cache.watches.isEmpty()) {
            caches.remove(watch.cacheName);
            redis.channels().unlisten(cache.channel);
        }
    }

    /** Tells the watch of the cache's topics in Redis, a SCAN page at a time, retried until Redis answers. */
    private void scan(Watch watch, String cursor, boolean existed) {
        if (watch.cancelled) {
            return;
        }
        String keyPrefix = RedisKeys.PREFIX + "topic:{" + watch.cacheName + "/";
        redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(RedisKeys.cacheTopicMetaPattern(watch.cacheName))
                        .arg("COUNT").arg(SCAN_COUNT))
                .onSuccess(page -> {
                    Response keys = page.get(1);
                    List<TopicKey> found = new ArrayList<>(keys == null ? 0 : keys.size());
                    if (keys != null) {
                        for (Response key : keys) {
                            String name = key.toString();
                            if (name.startsWith(keyPrefix) && name.endsWith(META_SUFFIX)) {
                                found.add(new TopicKey(watch.cacheName,
                                        name.substring(keyPrefix.length(), name.length() - META_SUFFIX.length())));
                            }
                        }
                    }
                    watch.tell(found, existed);
                    String next = page.get(0).toString();
                    if (!"0".equals(next)) {
                        scan(watch, next, existed);
                    }
                })
                .onFailure(e -> {
                    LOG.debug("listing the topics of cache {} failed ({}); retrying", watch.cacheName, e.toString());
                    redis.vertx().setTimer(RETRY_MILLIS, id -> scan(watch, cursor, existed));
                });
    }

    /** A cache's watchers on this node, and the listener of its topics channel. */
    private final class CacheWatches implements RedisChannels.Listener {
        final String cacheName;
        final String channel;
        final List<Watch> watches = new ArrayList<>();
        private boolean listenedBefore;

        CacheWatches(String cacheName) {
            this.cacheName = cacheName;
            this.channel = RedisKeys.topicsChannel(cacheName);
        }

        @Override
        public void onMessage(Buffer payload) {
            List<TopicKey> created = List.of(new TopicKey(cacheName, payload.toString(StandardCharsets.UTF_8)));
            for (Watch watch : watches) {
                watch.tell(created, false);
            }
        }

        @Override
        public void onListening() {
            if (listenedBefore) {
                // Listening again after the pub/sub connection was lost: topics created meanwhile were not announced
                // here, so list them (those known already are ignored by the watchers).
                for (Watch watch : List.copyOf(watches)) {
                    scan(watch, "0", false);
                }
            }
            listenedBefore = true;
        }
    }

    /** One watcher; {@code cancelled} is set on its own context or (ending) the Redis context. */
    private final class Watch implements Subscription {
        final String cacheName;
        final Context context;
        final TopicWatcher watcher;
        volatile boolean cancelled;

        Watch(String cacheName, Context context, TopicWatcher watcher) {
            this.cacheName = cacheName;
            this.context = context;
            this.watcher = watcher;
        }

        void tell(List<TopicKey> topics, boolean existed) {
            // A cancelled watch is told nothing: its stream ended, and its context may be gone with its connection
            // (a node stopping while this was queued behind a slow task on the Redis context).
            if (topics.isEmpty() || cancelled) {
                return;
            }
            context.runOnContext(v -> {
                for (TopicKey topic : topics) {
                    if (cancelled) {
                        return;
                    }
                    watcher.found(topic, existed);
                }
            });
        }

        void end(SubscriptionEnd reason) {
            if (cancelled) {
                return; // as in tell
            }
            context.runOnContext(v -> {
                if (!cancelled) {
                    cancelled = true;
                    watcher.ended(reason);
                }
            });
        }

        @Override
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                redis.context().runOnContext(v -> remove(this));
            }
        }
    }
}
