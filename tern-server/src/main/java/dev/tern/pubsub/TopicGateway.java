package dev.tern.pubsub;

import dev.tern.auth.Authorizer;
import dev.tern.auth.CredentialEnd;
import dev.tern.auth.Principal;
import dev.tern.auth.TokenVerifier;
import dev.tern.auth.TopicAction;
import dev.tern.cache.CacheInfo;
import dev.tern.cache.CacheRegistry;
import dev.tern.cache.ResourceNames;
import dev.tern.error.TernException;
import dev.tern.limit.PublishRateLimit;
import dev.tern.limit.SubscriptionLimit;
import dev.tern.limit.TopicCountLimit;
import dev.tern.metrics.TernMetrics;
import dev.tern.topic.PublishReceipt;
import dev.tern.topic.StartPosition;
import dev.tern.topic.SubscriberTransport;
import dev.tern.topic.Subscription;
import dev.tern.topic.SubscriptionEnd;
import dev.tern.topic.SubscriptionEvent;
import dev.tern.topic.SubscriptionListener;
import dev.tern.topic.TopicEngine;
import dev.tern.topic.TopicKey;
import dev.tern.topic.TopicListing;
import dev.tern.topic.TopicSnapshot;
import dev.tern.topic.TopicValue;
import dev.tern.topic.TopicWatcher;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The single way into the topic engine for every transport: names, authentication, authorization, cache existence
 * and limits are checked here, in this order, so that HTTP, SSE, WebSocket and gRPC cannot drift apart.
 */
public final class TopicGateway {
    private final TokenVerifier tokens;
    private final Authorizer authorizer;
    private final CacheRegistry caches;
    private final PublishRateLimit publishRate;
    private final SubscriptionLimit subscriptions;
    private final TopicCountLimit topicCount;
    private final TopicEngine engine;
    private final TernMetrics metrics;
    private final CredentialWatch credentials;
    private final StreamWatches streams;

    public TopicGateway(TokenVerifier tokens, Authorizer authorizer, CacheRegistry caches, PublishRateLimit publishRate,
                        SubscriptionLimit subscriptions, TopicCountLimit topicCount, TopicEngine engine,
                        TernMetrics metrics, CredentialWatch credentials) {
        this.credentials = credentials;
        this.streams = new StreamWatches(credentials);
        this.tokens = tokens;
        this.authorizer = authorizer;
        this.caches = caches;
        this.publishRate = publishRate;
        this.subscriptions = subscriptions;
        this.topicCount = topicCount;
        this.engine = engine;
        this.metrics = metrics;
        caches.onDelete(name -> {
            engine.deleteCache(name);
            publishRate.forget(name);
            streams.cacheDeleted(name);
        });
    }

    /** A validated topic key; 400 when either name breaks the naming rule. */
    public static TopicKey topicKey(String cacheName, String topicName) {
        return new TopicKey(ResourceNames.requireCacheName(cacheName), ResourceNames.requireTopicName(topicName));
    }

    public Principal authenticate(String credential) {
        return tokens.authenticate(credential);
    }

    public Future<PublishReceipt> publish(Principal principal, TopicKey topic, TopicValue value) {
        CacheInfo cache = checkPublish(principal, topic, value);
        long started = System.nanoTime();
        Future<Void> counted = topicCount.admitPublish(topic, cache.limits().maxTopicCount());
        // The in-memory limiters and engine answer at once: no future chain on the busiest path.
        Future<Void> admitted = counted.succeeded()
                ? publishRate.admit(cache.name(), cache.limits().maxPublishRate())
                : counted.compose(ok -> publishRate.admit(cache.name(), cache.limits().maxPublishRate()));
        Future<PublishReceipt> published = admitted.succeeded()
                ? engine.publish(topic, value, principal.tokenId())
                : admitted.compose(ok -> engine.publish(topic, value, principal.tokenId()));
        if (published.succeeded()) {
            confirmCache(cache, topic, published.result());
            metrics.recordPublish(System.nanoTime() - started);
            return published;
        }
        return published.map(receipt -> {
            confirmCache(cache, topic, receipt);
            metrics.recordPublish(System.nanoTime() - started);
            return receipt;
        });
    }

    /**
     * A publish that raced the deletion of its cache may have made the topic again after the deletion forgot it;
     * it is discarded, so that a cache created again under the name does not continue that page, and the publish
     * answers that the cache is gone.
     */
    private void confirmCache(CacheInfo cache, TopicKey topic, PublishReceipt receipt) {
        if (!caches.isCurrent(cache)) {
            engine.discardTopic(topic, receipt.sequencePage());
            throw TernException.cacheNotFound(cache.name());
        }
    }

    /**
     * The checks of a publish that do not spend anything (permission, cache existence, message size), for callers
     * that must refuse before they look anything up (an idempotent retry); {@link #publish} makes them itself.
     */
    public CacheInfo checkPublish(Principal principal, TopicKey topic, TopicValue value) {
        authorizer.authorizeTopic(principal, TopicAction.PUBLISH, topic);
        CacheInfo cache = caches.require(topic.cacheName());
        int maxBytes = cache.limits().maxMessageBytes();
        if (value.size() > maxBytes) {
            throw TernException.messageTooLarge(value.size(), maxBytes);
        }
        return cache;
    }

    /**
     * Subscribes on the caller's Vert.x context; the listener is called there. The subscription ends with
     * {@link SubscriptionEnd#CREDENTIAL_EXPIRED} or {@link SubscriptionEnd#CREDENTIAL_REVOKED} when the principal's
     * credential does; a credential that already did is refused (a stream resubscribing after a lag gets here too).
     */
    public Subscription subscribe(Principal principal, TopicKey topic, StartPosition from, SubscriptionListener listener) {
        tokens.requireValid(principal);
        authorizer.authorizeTopic(principal, TopicAction.SUBSCRIBE, topic);
        CacheInfo cache = caches.require(topic.cacheName());
        topicCount.admitSubscribe(topic, cache.limits().maxTopicCount());
        subscriptions.acquire(cache.name(), cache.limits().maxSubscriptionCount());
        CountedSubscription counted = new CountedSubscription(cache.name(), listener);
        metrics.subscriberOpened(counted.transport);
        try {
            counted.inner = engine.subscribe(topic, from, counted);
        } catch (RuntimeException e) {
            counted.release();
            throw e;
        }
        if (!caches.isCurrent(cache)) {
            // Raced the cache's deletion: the subscription would wait on a topic nobody can publish to.
            counted.cancel();
            throw TernException.cacheNotFound(cache.name());
        }
        counted.watch = credentials.watch(principal, Vertx.currentContext(), counted::credentialEnded);
        if (counted.released) {
            counted.watch.cancel(); // the engine ended it at once
        }
        return counted;
    }

    /**
     * Opens a stream of many topics of a cache as a whole (each topic it follows is still {@link #subscribe}d): 401
     * for a credential that ended, 403 without subscribe permission on any topic of the cache, 404 for a missing
     * cache. {@code ended} runs once, on the caller's Vert.x context, when the cache is deleted or the credential
     * expires or is revoked, whether or not the stream follows any topic then.
     */
    public Subscription watchStream(Principal principal, String cacheName, Consumer<SubscriptionEnd> ended) {
        tokens.requireValid(principal);
        authorizer.authorizeCache(principal, TopicAction.SUBSCRIBE, cacheName);
        CacheInfo cache = caches.require(cacheName);
        Context context = Objects.requireNonNull(Vertx.currentContext(), "a stream is opened on a Vert.x context");
        Subscription watch = streams.watch(principal, cache.name(), context, ended);
        if (!caches.isCurrent(cache)) {
            // Raced the cache's deletion, which swept the streams before this one was added.
            watch.cancel();
            throw TernException.cacheNotFound(cache.name());
        }
        return watch;
    }

    /**
     * A subscription the server makes on its own behalf (webhook delivery): the cache must exist, but no token is
     * involved and it does not count against the cache's subscription limit. Call it on a Vert.x context.
     */
    public Subscription follow(TopicKey topic, StartPosition from, SubscriptionListener listener) {
        caches.require(topic.cacheName());
        return engine.subscribe(topic, from, listener);
    }

    /**
     * Tells {@code watcher} of every topic of the cache whose name starts with {@code prefix} (those there now and
     * each created later, see {@link TopicEngine#watchTopics}), and of the cache's deletion. 403 unless the token may
     * subscribe to every topic the prefix can match; each topic is still authorized and counted when it is
     * subscribed to. 400 when the engine cannot watch (a Redis Cluster).
     */
    public Subscription watchTopics(Principal principal, String cacheName, String prefix, TopicWatcher watcher) {
        authorizer.authorizeTopicPrefix(principal, TopicAction.SUBSCRIBE, cacheName, prefix);
        CacheInfo cache = caches.require(cacheName);
        Subscription watch;
        try {
            watch = engine.watchTopics(cacheName, new TopicWatcher() {
                @Override
                public void found(TopicKey topic, boolean existed) {
                    if (topic.topicName().startsWith(prefix)) {
                        watcher.found(topic, existed);
                    }
                }

                @Override
                public void ended(SubscriptionEnd reason) {
                    watcher.ended(reason);
                }
            });
        } catch (UnsupportedOperationException e) {
            throw TernException.badRequest("prefix subscriptions are not available on a Redis Cluster; name the topics");
        }
        if (!caches.isCurrent(cache)) {
            // Raced the cache's deletion: the engine ended its watchers before this one was added.
            watch.cancel();
            throw TernException.cacheNotFound(cache.name());
        }
        return watch;
    }

    /**
     * What the live topics of a cache are doing: for a super user or a role over all of the cache's topics; 404 for
     * an unknown cache.
     */
    public Future<TopicListing> topics(Principal principal, String cacheName) {
        String name = ResourceNames.requireCacheName(cacheName);
        authorizer.requireCacheWideRole(principal, name);
        return engine.topics(caches.require(name).name());
    }

    /**
     * The figures of the listed topics that are read only for those shown (see {@link TopicEngine#withStoredFigures});
     * {@code cacheName} is a cache {@link #topics} answered for.
     */
    public Future<List<TopicSnapshot>> withStoredFigures(String cacheName, List<TopicSnapshot> shown) {
        return engine.withStoredFigures(cacheName, shown);
    }

    /** Keeps the subscription counter exact however a subscription ends. */
    private final class CountedSubscription implements Subscription, SubscriptionListener {
        private final String cacheName;
        private final SubscriptionListener listener;
        final SubscriberTransport transport;
        private Subscription inner;
        private CredentialWatch.Handle watch;
        private boolean released;

        CountedSubscription(String cacheName, SubscriptionListener listener) {
            this.cacheName = cacheName;
            this.listener = listener;
            this.transport = listener.transport();
        }

        @Override
        public void onEvent(SubscriptionEvent event) {
            listener.onEvent(event);
        }

        @Override
        public SubscriberTransport transport() {
            return transport;
        }

        @Override
        public void onEnd(SubscriptionEnd reason) {
            release();
            listener.onEnd(reason);
        }

        /** The credential expired or was revoked: the engine subscription stops, the listener hears why. */
        void credentialEnded(CredentialEnd end) {
            if (released) {
                return;
            }
            if (inner != null) {
                inner.cancel();
            }
            onEnd(end.subscriptionEnd());
        }

        @Override
        public void cancel() {
            if (inner != null) {
                inner.cancel();
            }
            release();
        }

        void release() {
            if (watch != null) {
                watch.cancel();
            }
            if (!released) {
                released = true;
                subscriptions.release(cacheName);
                metrics.subscriberClosed(transport);
            }
        }
    }
}
