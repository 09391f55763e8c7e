package dev.tern.webhook;

import java.util.List;
import java.util.Map;

/**
 * Where webhooks and their delivery cursors are kept: a file in the data directory (one node) or Redis (every node
 * sees the same webhooks). Calls may block briefly (disk or Redis); callers keep them off event loops.
 */
public interface WebhookStore {

    /** Every stored webhook. */
    List<Webhook> loadAll();

    /** Stores a webhook, replacing one of the same cache and name. */
    void put(Webhook webhook);

    /** Removes a webhook and its cursor; false when there was none. */
    boolean remove(String cacheName, String name);

    /** Removes every webhook of a cache and their cursors; a shared store may finish after returning. */
    void removeCache(String cacheName);

    /** The stored cursor of each webhook that has one, by {@link Webhook#key()}. */
    Map<String, DeliveryCursor> loadCursors();

    /**
     * Stores cursors, by webhook key. {@code leases} holds the fencing token each write is made under; a shared store
     * drops the write of a webhook whose lease another node holds now.
     */
    void saveCursors(Map<String, DeliveryCursor> cursors, Map<String, Long> leases);

    /**
     * Takes or renews the right to deliver each of {@code keys} for {@code ttlMillis}; answers the fencing token of
     * each one this node now holds. A store only one node uses grants every key.
     */
    Map<String, Long> lease(String nodeId, List<String> keys, long ttlMillis);

    /** Gives up the leases this node holds on {@code keys} (shutdown), so another node takes them over at once. */
    default void release(String nodeId, List<String> keys) {
    }
}
