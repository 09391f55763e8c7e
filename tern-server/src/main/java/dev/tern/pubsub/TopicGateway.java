package dev.tern.pubsub;

import dev.tern.auth.Authorizer;
import dev.tern.auth.Principal;
import dev.tern.auth.TokenVerifier;
import dev.tern.auth.TopicAction;
import dev.tern.cache.CacheInfo;
import dev.tern.cache.CacheRegistry;
import dev.tern.cache.ResourceNames;
import dev.tern.error.TernException;
import dev.tern.limit.PublishRateLimit;
import dev.tern.limit.SubscriptionLimit;
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
import dev.tern.topic.TopicSnapshot;
import dev.tern.topic.TopicValue;
import io.vertx.core.Future;

import java.util.List;

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
    private final TopicEngine engine;
    private final TernMetrics metrics;

    public TopicGateway(TokenVerifier tokens, Authorizer authorizer, CacheRegistry caches, PublishRateLimit publishRate,
                        SubscriptionLimit subscriptions, TopicEngine engine, TernMetrics metrics) {
        this.tokens = tokens;
        this.authorizer = authorizer;
        this.caches = caches;
        this.publishRate = publishRate;
        this.subscriptions = subscriptions;
        this.engine = engine;
        this.metrics = metrics;
        caches.onDelete(name -> {
            engine.deleteCache(name);
            publishRate.forget(name);
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
        authorizer.authorizeTopic(principal, TopicAction.PUBLISH, topic);
        CacheInfo cache = caches.require(topic.cacheName());
        int maxBytes = cache.limits().maxMessageBytes();
        if (value.size() > maxBytes) {
            throw TernException.messageTooLarge(value.size(), maxBytes);
        }
        long started = System.nanoTime();
        Future<Void> admitted = publishRate.admit(cache.name(), cache.limits().maxPublishRate());
        // The in-memory limiter and engine answer at once: no future chain on the busiest path.
        Future<PublishReceipt> published = admitted.succeeded()
                ? engine.publish(topic, value, principal.tokenId())
                : admitted.compose(ok -> engine.publish(topic, value, principal.tokenId()));
        if (published.succeeded()) {
            metrics.recordPublish(System.nanoTime() - started);
            return published;
        }
        return published.onSuccess(receipt -> metrics.recordPublish(System.nanoTime() - started));
    }

    /** Subscribes on the caller's Vert.x context; the listener is called there. */
    public Subscription subscribe(Principal principal, TopicKey topic, StartPosition from, SubscriptionListener listener) {
        authorizer.authorizeTopic(principal, TopicAction.SUBSCRIBE, topic);
        CacheInfo cache = caches.require(topic.cacheName());
        subscriptions.acquire(cache.name(), cache.limits().maxSubscriptionCount());
        CountedSubscription counted = new CountedSubscription(cache.name(), listener);
        metrics.subscriberOpened(counted.transport);
        try {
            counted.inner = engine.subscribe(topic, from, counted);
        } catch (RuntimeException e) {
            counted.release();
            throw e;
        }
        return counted;
    }

    /**
     * What the live topics of a cache are doing: for a super user or a role over all of the cache's topics; 404 for
     * an unknown cache.
     */
    public Future<List<TopicSnapshot>> topics(Principal principal, String cacheName) {
        String name = ResourceNames.requireCacheName(cacheName);
        authorizer.requireCacheWideRole(principal, name);
        return engine.topics(caches.require(name).name());
    }

    /** {@code server} when {@link #topics} covers every subscriber, {@code node} when only this node's (Redis). */
    public String topicsScope() {
        return engine.topicsScope();
    }

    /** Keeps the subscription counter exact however a subscription ends. */
    private final class CountedSubscription implements Subscription, SubscriptionListener {
        private final String cacheName;
        private final SubscriptionListener listener;
        final SubscriberTransport transport;
        private Subscription inner;
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

        @Override
        public void cancel() {
            if (inner != null) {
                inner.cancel();
            }
            release();
        }

        void release() {
            if (!released) {
                released = true;
                subscriptions.release(cacheName);
                metrics.subscriberClosed(transport);
            }
        }
    }
}
