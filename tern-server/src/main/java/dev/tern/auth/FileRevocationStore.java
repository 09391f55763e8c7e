package dev.tern.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.storage.DataDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/** The revocations of a single node, in {@code revocations.json} in the data directory, written atomically. */
public final class FileRevocationStore implements RevocationStore {
    static final String FILE = "revocations.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataDirectory dataDirectory;
    private final Map<String, String> entries = new TreeMap<>();

    public FileRevocationStore(DataDirectory dataDirectory) {
        this.dataDirectory = dataDirectory;
        dataDirectory.read(FILE).ifPresent(content -> {
            try {
                Map<String, Map<String, String>> stored = JSON.readValue(content, new TypeReference<>() { });
                entries.putAll(stored.getOrDefault("revoked", Map.of()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + dataDirectory.path(FILE), e);
            }
        });
    }

    @Override
    public synchronized Map<String, String> loadAll() {
        return Map.copyOf(entries);
    }

    @Override
    public synchronized void add(String name, String value) {
        entries.put(name, value);
        save();
    }

    @Override
    public synchronized void remove(Collection<String> names) {
        if (entries.keySet().removeAll(names)) {
            save();
        }
    }

    private void save() {
        try {
            dataDirectory.writeAtomically(FILE, JSON.writeValueAsBytes(Map.of("revoked", entries)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
