package dev.tern.webhook;

import dev.tern.metrics.TernMetrics;
import dev.tern.pubsub.TopicGateway;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs the deliveries of the webhooks this node holds the lease of (every webhook on a single node; with Redis, each
 * webhook on exactly one node at a time, taken over by another within a few seconds when that node dies). Keeps the
 * set of deliveries in line with the registry, saves their cursors about twice a second, and renews leases every
 * second. Deliveries are spread over the event loops.
 */
public final class WebhookDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final long TICK_MILLIS = 500;
    static final long LEASE_MILLIS = 5_000;

    /** What one refresh read from the store, off the event loop. */
    private record Snapshot(List<Webhook> webhooks, Map<String, Long> leases, Map<String, DeliveryCursor> cursors) {
    }

    private final Vertx vertx;
    private final WebhookRegistry registry;
    private final WebhookStore store;
    private final TopicGateway gateway;
    private final WebhookSender sender;
    private final RetrySchedule schedule;
    private final TernMetrics metrics;
    private final boolean shared;
    private final String nodeId;
    private final Map<String, WebhookDelivery> deliveries = new ConcurrentHashMap<>();
    private final Map<String, WebhookDelivery> unsaved = new ConcurrentHashMap<>();
    private volatile Map<String, DeliveryCursor> storedCursors = Map.of();
    private Context control;
    private Context[] loops;
    private long ticker = -1;
    private long ticks;
    private boolean refreshing;
    private boolean refreshAgain;
    private boolean flushing;
    private long leaseConfirmedAt;
    private volatile boolean stopped;

    public WebhookDispatcher(Vertx vertx, WebhookRegistry registry, WebhookStore store, TopicGateway gateway,
                             WebhookSender sender, RetrySchedule schedule, TernMetrics metrics, boolean shared,
                             String nodeId) {
        this.vertx = vertx;
        this.registry = registry;
        this.store = store;
        this.gateway = gateway;
        this.sender = sender;
        this.schedule = schedule;
        this.metrics = metrics;
        this.shared = shared;
        this.nodeId = nodeId;
        metrics.registerWebhookLag(this::totalLag);
    }

    /** Starts delivering, on {@code eventLoops} event loops. */
    public void start(int eventLoops) {
        VertxInternal internal = (VertxInternal) vertx;
        control = internal.createEventLoopContext();
        loops = new Context[Math.max(1, eventLoops)];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = internal.createEventLoopContext();
        }
        sender.spreadOver(loops.length);
        registry.onChange(() -> control.runOnContext(v -> refresh()));
        control.runOnContext(v -> {
            refresh();
            ticker = vertx.setPeriodic(TICK_MILLIS, id -> tick());
        });
    }

    /** The delivery state of a webhook, as far as this node knows it. */
    public DeliveryStatus status(Webhook webhook) {
        WebhookDelivery delivery = deliveries.get(webhook.key());
        if (delivery != null) {
            return delivery.status();
        }
        return DeliveryStatus.elsewhere(storedCursors.getOrDefault(webhook.key(), DeliveryCursor.NONE));
    }

    WebhookRegistry registry() {
        return registry;
    }

    TopicGateway gateway() {
        return gateway;
    }

    WebhookSender sender() {
        return sender;
    }

    /** The retry schedule a webhook's deliveries follow: its own, or the server's. */
    public RetrySchedule schedule(Webhook webhook) {
        return webhook.retryOr(schedule);
    }

    TernMetrics metrics() {
        return metrics;
    }

    /** A delivery confirmed a message: its cursor is saved with the next flush. */
    void cursorMoved(String cacheName, String name, WebhookDelivery delivery) {
        unsaved.put(Webhook.key(cacheName, name), delivery);
    }

    private long totalLag() {
        long lag = 0;
        for (WebhookDelivery delivery : deliveries.values()) {
            lag += delivery.lag();
        }
        return lag;
    }

    private void tick() {
        if (stopped) {
            return;
        }
        flush();
        if (++ticks % 2 == 0) {
            refresh();
        }
    }

    /** Reads webhooks, leases and cursors off the event loop, then starts and stops deliveries to match. */
    private void refresh() {
        if (stopped) {
            return;
        }
        if (refreshing) {
            refreshAgain = true;
            return;
        }
        refreshing = true;
        vertx.<Snapshot>executeBlocking(() -> {
            if (shared) {
                registry.reload();
            }
            List<Webhook> all = registry.all();
            Map<String, Long> leases = store.lease(nodeId, all.stream().map(Webhook::key).toList(), LEASE_MILLIS);
            return new Snapshot(all, leases, store.loadCursors());
        }, false).onComplete(done -> {
            refreshing = false;
            if (done.succeeded()) {
                leaseConfirmedAt = System.currentTimeMillis();
                apply(done.result());
            } else if (System.currentTimeMillis() - leaseConfirmedAt > LEASE_MILLIS - 1_000 && !deliveries.isEmpty()) {
                // The leases may be lost by now (Redis unreachable): stop before another node takes over.
                LOG.warn("cannot renew webhook leases ({}); pausing this node's webhook deliveries", done.cause().toString());
                deliveries.values().forEach(WebhookDelivery::stop);
                deliveries.clear();
            }
            if (refreshAgain) {
                refreshAgain = false;
                refresh();
            }
        });
    }

    private void apply(Snapshot snapshot) {
        if (stopped) {
            return;
        }
        storedCursors = snapshot.cursors();
        Map<String, Webhook> wanted = new HashMap<>();
        for (Webhook webhook : snapshot.webhooks()) {
            if (snapshot.leases().containsKey(webhook.key())) {
                wanted.put(webhook.key(), webhook);
            }
        }
        for (String key : List.copyOf(deliveries.keySet())) {
            Webhook webhook = wanted.get(key);
            if (webhook == null || !webhook.topicName().equals(deliveries.get(key).topicName())) {
                deliveries.remove(key).stop();
            }
        }
        for (Webhook webhook : wanted.values()) {
            long token = snapshot.leases().get(webhook.key());
            WebhookDelivery running = deliveries.get(webhook.key());
            if (running != null) {
                running.renewed(token);
                continue;
            }
            DeliveryCursor cursor = snapshot.cursors().getOrDefault(webhook.key(), DeliveryCursor.NONE);
            WebhookDelivery delivery = new WebhookDelivery(this, loopFor(webhook.key()), webhook, cursor, token);
            deliveries.put(webhook.key(), delivery);
            delivery.start();
        }
    }

    private Context loopFor(String key) {
        return loops[Math.floorMod(key.hashCode(), loops.length)];
    }

    private void flush() {
        if (flushing || unsaved.isEmpty()) {
            return;
        }
        flushing = true;
        Map<String, WebhookDelivery> batch = new HashMap<>(unsaved);
        batch.forEach(unsaved::remove);
        vertx.executeBlocking(() -> {
            save(batch);
            return null;
        }, false).onComplete(done -> {
            flushing = false;
            if (done.failed()) {
                batch.forEach(unsaved::putIfAbsent); // tried again with the next tick
            }
        });
    }

    private void save(Map<String, WebhookDelivery> batch) {
        Map<String, DeliveryCursor> cursors = new HashMap<>();
        Map<String, Long> fences = new HashMap<>();
        batch.forEach((key, delivery) -> {
            cursors.put(key, delivery.cursor());
            fences.put(key, delivery.fencingToken());
        });
        store.saveCursors(cursors, fences);
    }

    /** Stops every delivery, saves their cursors and gives up the leases; blocks briefly, never on an event loop. */
    public void stop() {
        if (stopped || control == null) {
            stopped = true;
            return;
        }
        stopped = true;
        CountDownLatch quiet = new CountDownLatch(1);
        control.runOnContext(v -> {
            if (ticker != -1) {
                vertx.cancelTimer(ticker);
            }
            deliveries.values().forEach(WebhookDelivery::stop);
            quiet.countDown();
        });
        try {
            quiet.await(2, TimeUnit.SECONDS);
            save(new HashMap<>(deliveries));
            Set<String> held = deliveries.keySet().stream().collect(Collectors.toSet());
            store.release(nodeId, new ArrayList<>(held));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("could not save webhook cursors on shutdown: {}", e.toString());
        }
        deliveries.clear();
        sender.close();
    }
}
