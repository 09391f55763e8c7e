package dev.tern.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * The webhooks of a single node in {@code webhooks.json} and their cursors in {@code webhook-cursors.json}, both in
 * the data directory. Webhook changes rewrite the first at once; cursor saves (at most twice a second, from the
 * dispatcher) rewrite only the small second file, so a busy delivery never rewrites every webhook and secret. A
 * crash may deliver again what was confirmed since the last save; a graceful stop saves the exact cursor.
 *
 * <p>Each stored cursor names the topic it belongs to and is used only while the webhook still follows that topic,
 * so a crash between the two writes (a webhook replaced with another topic, or deleted) cannot leave a cursor that
 * applies to the wrong messages.
 */
public final class FileWebhookStore implements WebhookStore {
    static final String FILE = "webhooks.json";
    static final String CURSORS_FILE = "webhook-cursors.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataDirectory dataDirectory;
    private final TreeMap<String, Webhook> webhooks = new TreeMap<>();
    private final TreeMap<String, DeliveryCursor> cursors = new TreeMap<>();

    /** {@code webhooks.json}. {@code cursors} is read only: files written before cursors had a file of their own. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Content(@JsonProperty("webhooks") List<Webhook> webhooks,
                   @JsonProperty("cursors") Map<String, DeliveryCursor> cursors) {
    }

    /** One entry of {@code webhook-cursors.json}: the cursor as {@code page:seq}, and the topic it is a cursor of. */
    record StoredCursor(@JsonProperty("topic") String topic, @JsonProperty("cursor") String cursor) {
    }

    public FileWebhookStore(DataDirectory dataDirectory) {
        this.dataDirectory = dataDirectory;
        dataDirectory.read(FILE).ifPresent(this::load);
        dataDirectory.read(CURSORS_FILE).ifPresentOrElse(this::loadCursorFile, () -> {
            if (!cursors.isEmpty()) {
                saveCursors(); // cursors of an older webhooks.json move to their own file before it is rewritten
            }
        });
    }

    @Override
    public synchronized List<Webhook> loadAll() {
        return new ArrayList<>(webhooks.values());
    }

    @Override
    public synchronized void put(Webhook webhook) {
        Webhook previous = webhooks.put(webhook.key(), webhook);
        saveWebhooks();
        if (previous != null && !previous.topicName().equals(webhook.topicName()) && cursors.remove(webhook.key()) != null) {
            saveCursors();
        }
    }

    @Override
    public synchronized boolean remove(String cacheName, String name) {
        String key = Webhook.key(cacheName, name);
        if (webhooks.remove(key) == null) {
            cursors.remove(key);
            return false;
        }
        saveWebhooks();
        if (cursors.remove(key) != null) {
            saveCursors();
        }
        return true;
    }

    @Override
    public synchronized void removeCache(String cacheName) {
        String prefix = cacheName + "/";
        if (webhooks.keySet().removeIf(key -> key.startsWith(prefix))) {
            saveWebhooks();
        }
        if (cursors.keySet().removeIf(key -> key.startsWith(prefix))) {
            saveCursors();
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
            saveCursors();
        }
    }

    @Override
    public Map<String, Long> lease(String nodeId, List<String> keys, long ttlMillis) {
        Map<String, Long> granted = new HashMap<>();
        keys.forEach(key -> granted.put(key, 1L));
        return granted;
    }

    private void saveWebhooks() {
        write(FILE, new Content(new ArrayList<>(webhooks.values()), null));
    }

    private void saveCursors() {
        Map<String, StoredCursor> stored = new TreeMap<>();
        cursors.forEach((key, cursor) -> {
            Webhook webhook = webhooks.get(key);
            if (webhook != null) {
                stored.put(key, new StoredCursor(webhook.topicName(), cursor.encode()));
            }
        });
        write(CURSORS_FILE, stored);
    }

    private void write(String file, Object content) {
        try {
            dataDirectory.writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(content));
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
                stored.cursors().forEach((key, cursor) -> {
                    if (webhooks.containsKey(key)) {
                        cursors.put(key, cursor);
                    }
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dataDirectory.path(FILE), e);
        }
    }

    private void loadCursorFile(byte[] content) {
        try {
            Map<String, StoredCursor> stored = JSON.readValue(content,
                    JSON.getTypeFactory().constructMapType(TreeMap.class, String.class, StoredCursor.class));
            stored.forEach((key, entry) -> {
                Webhook webhook = webhooks.get(key);
                if (webhook != null && webhook.topicName().equals(entry.topic())) {
                    cursors.put(key, DeliveryCursor.decode(entry.cursor()));
                }
            });
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + dataDirectory.path(CURSORS_FILE) + ": " + e.getMessage(), e);
        }
    }
}
