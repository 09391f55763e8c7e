package dev.tern.webhook;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.storage.DataDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The webhooks of a single node and their cursors, in {@code webhooks.json} in the data directory. Webhook changes are
 * written at once; cursors as often as the dispatcher saves them (about once a second), so a crash may deliver again
 * what was confirmed in the last second, while a graceful stop saves the exact cursor.
 */
public final class FileWebhookStore implements WebhookStore {
    static final String FILE = "webhooks.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataDirectory dataDirectory;
    private final TreeMap<String, Webhook> webhooks = new TreeMap<>();
    private final TreeMap<String, DeliveryCursor> cursors = new TreeMap<>();

    /** The file's content. */
    record Content(@JsonProperty("webhooks") List<Webhook> webhooks,
                   @JsonProperty("cursors") Map<String, DeliveryCursor> cursors) {
    }

    public FileWebhookStore(DataDirectory dataDirectory) {
        this.dataDirectory = dataDirectory;
        dataDirectory.read(FILE).ifPresent(this::load);
    }

    @Override
    public synchronized List<Webhook> loadAll() {
        return new ArrayList<>(webhooks.values());
    }

    @Override
    public synchronized void put(Webhook webhook) {
        Webhook previous = webhooks.put(webhook.key(), webhook);
        if (previous != null && !previous.topicName().equals(webhook.topicName())) {
            cursors.remove(webhook.key());
        }
        save();
    }

    @Override
    public synchronized boolean remove(String cacheName, String name) {
        String key = Webhook.key(cacheName, name);
        cursors.remove(key);
        if (webhooks.remove(key) == null) {
            return false;
        }
        save();
        return true;
    }

    @Override
    public synchronized void removeCache(String cacheName) {
        String prefix = cacheName + "/";
        boolean changed = webhooks.keySet().removeIf(key -> key.startsWith(prefix));
        changed |= cursors.keySet().removeIf(key -> key.startsWith(prefix));
        if (changed) {
            save();
        }
    }

    @Override
    public synchronized Map<String, DeliveryCursor> loadCursors() {
        return new HashMap<>(cursors);
    }

    @Override
    public synchronized void saveCursors(Map<String, DeliveryCursor> changed, Map<String, Long> leases) {
        boolean any = false;
        for (Map.Entry<String, DeliveryCursor> entry : changed.entrySet()) {
            if (webhooks.containsKey(entry.getKey()) && !entry.getValue().equals(cursors.get(entry.getKey()))) {
                cursors.put(entry.getKey(), entry.getValue());
                any = true;
            }
        }
        if (any) {
            save();
        }
    }

    @Override
    public Map<String, Long> lease(String nodeId, List<String> keys, long ttlMillis) {
        Map<String, Long> granted = new HashMap<>();
        keys.forEach(key -> granted.put(key, 1L));
        return granted;
    }

    private void save() {
        try {
            dataDirectory.writeAtomically(FILE, JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(new Content(loadAll(), cursors)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void load(byte[] content) {
        try {
            Content stored = JSON.readValue(content, Content.class);
            if (stored.webhooks() != null) {
                stored.webhooks().forEach(webhook -> webhooks.put(webhook.key(), webhook));
            }
            if (stored.cursors() != null) {
                cursors.putAll(stored.cursors());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dataDirectory.path(FILE), e);
        }
    }
}
