package dev.tern.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tern.storage.DataDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rotated signing keys of a single node, in {@code signing-keys.json} in the data directory (owner-only). */
public final class FileSigningKeyStore implements SigningKeyStore {
    static final String FILE = "signing-keys.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataDirectory dataDirectory;

    public FileSigningKeyStore(DataDirectory dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    @Override
    public synchronized Ring load() {
        return dataDirectory.read(FILE).map(content -> {
            try {
                JsonNode root = JSON.readTree(content);
                List<StoredKey> keys = new ArrayList<>();
                for (JsonNode key : root.path("keys")) {
                    keys.add(new StoredKey(key.path("kid").asText(), key.path("secret").asText(), key.path("retired_until").asLong()));
                }
                return new Ring(keys, root.hasNonNull("current") ? root.get("current").asText() : null);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + dataDirectory.path(FILE), e);
            }
        }).orElse(new Ring(List.of(), null));
    }

    @Override
    public synchronized void rotate(StoredKey next, StoredKey retired) {
        Map<String, StoredKey> keys = new LinkedHashMap<>();
        load().keys().forEach(key -> keys.put(key.kid(), key));
        long now = System.currentTimeMillis() / 1000;
        keys.values().removeIf(key -> key.retiredUntil() != 0 && key.retiredUntil() <= now);
        keys.put(retired.kid(), retired);
        keys.put(next.kid(), next);
        ObjectNode root = JSON.createObjectNode();
        root.put("current", next.kid());
        ArrayNode list = root.putArray("keys");
        for (StoredKey key : keys.values()) {
            list.addObject().put("kid", key.kid()).put("secret", key.secret()).put("retired_until", key.retiredUntil());
        }
        try {
            dataDirectory.writeAtomically(FILE, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
