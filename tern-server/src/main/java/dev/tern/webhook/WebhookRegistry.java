package dev.tern.webhook;

import dev.tern.cache.CacheRegistry;
import dev.tern.cache.ResourceNames;
import dev.tern.error.TernException;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The webhooks of every cache: the rules for creating, replacing, listing and deleting them, and the signing secrets.
 * Lookups read an in-memory copy; changes are written through to the {@link WebhookStore}. Every method may block on
 * the store (disk or Redis) or on DNS: transports call them off the event loops.
 */
public final class WebhookRegistry {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final WebhookStore store;
    private final CacheRegistry caches;
    private final DestinationPolicy destinations;
    private final int maxPerCache;
    private final ConcurrentHashMap<String, Webhook> webhooks = new ConcurrentHashMap<>();
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

    public WebhookRegistry(WebhookStore store, CacheRegistry caches, DestinationPolicy destinations, int maxPerCache) {
        this.store = store;
        this.caches = caches;
        this.destinations = destinations;
        this.maxPerCache = maxPerCache;
        reload();
        caches.onDelete(this::deleteCache);
    }

    /**
     * Creates or replaces a webhook; answers its signing secret (kept when an existing webhook is replaced). A replaced
     * webhook keeps its own retry schedule: this is the put of gRPC, which has no field for one.
     */
    public String put(String cacheName, String name, String topicName, String url) {
        return put(cacheName, name, topicName, url, null, true);
    }

    /** Creates or replaces a webhook with exactly this retry schedule (null: the server's); answers its secret. */
    public String put(String cacheName, String name, String topicName, String url, RetrySchedule retry) {
        return put(cacheName, name, topicName, url, retry, false);
    }

    private synchronized String put(String cacheName, String name, String topicName, String url, RetrySchedule retry,
                                    boolean keepRetry) {
        ResourceNames.requireCacheName(cacheName);
        WebhookNames.require(name);
        ResourceNames.requireTopicName(topicName);
        URI destination = DestinationPolicy.parseUrl(url);
        caches.require(cacheName);
        destinations.resolveAndCheck(destination);
        Optional<Webhook> existing = find(cacheName, name);
        if (existing.isEmpty() && maxPerCache > 0 && list(cacheName).size() >= maxPerCache) {
            throw TernException.limitExceeded(null, "cache " + cacheName + " already has " + maxPerCache
                    + " webhooks, its limit (--webhook-max-per-cache)", 0);
        }
        Webhook webhook = new Webhook(cacheName, name, topicName, destination.toString(),
                existing.map(Webhook::secret).orElseGet(WebhookRegistry::newSecret),
                existing.map(Webhook::createdAtEpochSeconds).orElse(Instant.now().getEpochSecond()),
                keepRetry ? existing.map(Webhook::retry).orElse(null) : retry);
        store.put(webhook);
        webhooks.put(webhook.key(), webhook);
        changed();
        return webhook.secret();
    }

    /** The cache's webhooks, by name; 404 when the cache does not exist. */
    public List<Webhook> list(String cacheName) {
        ResourceNames.requireCacheName(cacheName);
        caches.require(cacheName);
        reload(); // another node may have changed them since the last periodic reload
        List<Webhook> found = new ArrayList<>();
        for (Webhook webhook : webhooks.values()) {
            if (webhook.cacheName().equals(cacheName)) {
                found.add(webhook);
            }
        }
        found.sort(Comparator.comparing(Webhook::name));
        return found;
    }

    /** The webhook; 404 when it or its cache does not exist. */
    public Webhook require(String cacheName, String name) {
        ResourceNames.requireCacheName(cacheName);
        WebhookNames.require(name);
        caches.require(cacheName);
        Optional<Webhook> found = find(cacheName, name);
        if (found.isEmpty()) {
            reload(); // another node may just have created it
            found = find(cacheName, name);
        }
        return found.orElseThrow(() -> TernException.notFound("webhook " + name + " not found in cache " + cacheName));
    }

    public Optional<Webhook> find(String cacheName, String name) {
        return Optional.ofNullable(webhooks.get(Webhook.key(cacheName, name)));
    }

    /** Every webhook of every cache (for the dispatcher). */
    public List<Webhook> all() {
        return List.copyOf(webhooks.values());
    }

    public synchronized void delete(String cacheName, String name) {
        require(cacheName, name);
        store.remove(cacheName, name);
        webhooks.remove(Webhook.key(cacheName, name));
        changed();
    }

    /** Gives the webhook a new secret, used from the next delivery attempt on; answers it. */
    public synchronized String rotateSecret(String cacheName, String name) {
        Webhook rotated = require(cacheName, name).withSecret(newSecret());
        store.put(rotated);
        webhooks.put(rotated.key(), rotated);
        changed();
        return rotated.secret();
    }

    /** Called after any change to the set of webhooks (here, or on another node once seen by {@link #reload()}). */
    public void onChange(Runnable listener) {
        changeListeners.add(listener);
    }

    /** Reads the store again: another node may have changed it. */
    public synchronized void reload() {
        Map<String, Webhook> stored = new HashMap<>();
        for (Webhook webhook : store.loadAll()) {
            stored.put(webhook.key(), webhook);
        }
        boolean differs = !stored.equals(webhooks);
        webhooks.keySet().retainAll(stored.keySet());
        webhooks.putAll(stored);
        if (differs) {
            changed();
        }
    }

    private synchronized void deleteCache(String cacheName) {
        boolean removed = webhooks.values().removeIf(webhook -> webhook.cacheName().equals(cacheName));
        try {
            store.removeCache(cacheName);
        } catch (RuntimeException e) {
            // Redis unreachable: another node, or this one on its next reload, finds no cache for these webhooks.
        }
        if (removed) {
            changed();
        }
    }

    private void changed() {
        changeListeners.forEach(Runnable::run);
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
