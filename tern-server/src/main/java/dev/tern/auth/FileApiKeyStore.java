package dev.tern.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tern.storage.DataDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API keys of a single node, in {@code api-keys.json} in the data directory (owner-only, written atomically on
 * every change). Keys that expired more than a day ago are pruned when the file is written.
 */
public final class FileApiKeyStore implements ApiKeyStore {
    static final String FILE = "api-keys.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PRUNE_AFTER_SECONDS = 86_400;

    private final DataDirectory dataDirectory;
    private final Clock clock;
    private final Map<String, ApiKeyRecord> keys = new LinkedHashMap<>();
    private final Map<String, String> refreshHashes = new HashMap<>();

    public FileApiKeyStore(DataDirectory dataDirectory, Clock clock) {
        this.dataDirectory = dataDirectory;
        this.clock = clock;
        dataDirectory.read(FILE).ifPresent(this::load);
    }

    @Override
    public synchronized List<ApiKeyRecord> list() {
        return new ArrayList<>(keys.values());
    }

    @Override
    public synchronized Optional<ApiKeyRecord> find(String id) {
        return Optional.ofNullable(keys.get(id));
    }

    @Override
    public synchronized void add(ApiKeyRecord record, String refreshTokenHash) {
        keys.put(record.id(), record);
        refreshHashes.put(record.id(), refreshTokenHash);
        save();
    }

    @Override
    public synchronized boolean remove(String id) {
        refreshHashes.remove(id);
        if (keys.remove(id) == null) {
            return false;
        }
        save();
        return true;
    }

    @Override
    public synchronized boolean consumeRefreshToken(String id, String refreshTokenHash) {
        String stored = refreshHashes.get(id);
        if (stored == null || !stored.equals(refreshTokenHash)) {
            return false;
        }
        refreshHashes.remove(id);
        save();
        return true;
    }

    private void save() {
        long pruneBefore = clock.instant().getEpochSecond() - PRUNE_AFTER_SECONDS;
        keys.values().removeIf(key -> key.isExpiredAt(pruneBefore));
        refreshHashes.keySet().retainAll(keys.keySet());
        ObjectNode root = JSON.createObjectNode();
        var list = root.putArray("api_keys");
        for (ApiKeyRecord key : keys.values()) {
            ObjectNode node = key.toJson();
            String hash = refreshHashes.get(key.id());
            if (hash != null) {
                node.put("refresh_token_sha256", hash);
            }
            list.add(node);
        }
        try {
            dataDirectory.writeAtomically(FILE, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void load(byte[] content) {
        try {
            for (JsonNode node : JSON.readTree(content).path("api_keys")) {
                ApiKeyRecord key = ApiKeyRecord.fromJson(node);
                keys.put(key.id(), key);
                if (node.hasNonNull("refresh_token_sha256")) {
                    refreshHashes.put(key.id(), node.get("refresh_token_sha256").asText());
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + dataDirectory.path(FILE) + ": " + e.getMessage(), e);
        }
    }
}
