package dev.tern.cache;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.storage.DataDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The caches of a single node, persisted to {@code caches.json} in the data directory on every change. */
public final class FileCacheStore implements CacheStore {
    static final String FILE = "caches.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataDirectory dataDirectory;
    private final TreeMap<String, CacheInfo> caches = new TreeMap<>();

    public FileCacheStore(DataDirectory dataDirectory) {
        this.dataDirectory = dataDirectory;
        dataDirectory.read(FILE).ifPresent(this::load);
    }

    @Override
    public synchronized List<CacheInfo> loadAll() {
        return new ArrayList<>(caches.values());
    }

    @Override
    public synchronized boolean insert(CacheInfo cache) {
        if (caches.putIfAbsent(cache.name(), cache) != null) {
            return false;
        }
        save();
        return true;
    }

    @Override
    public synchronized boolean remove(String name) {
        if (caches.remove(name) == null) {
            return false;
        }
        save();
        return true;
    }

    private void save() {
        try {
            dataDirectory.writeAtomically(FILE, JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(Map.of("caches", loadAll())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void load(byte[] content) {
        try {
            Map<String, List<CacheInfo>> stored = JSON.readValue(content, new TypeReference<>() { });
            for (CacheInfo cache : stored.getOrDefault("caches", List.of())) {
                caches.put(cache.name(), cache);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dataDirectory.path(FILE), e);
        }
    }
}
