package dev.tern.cache;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.error.TernException;
import dev.tern.storage.DataDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The caches of this server and their limits, persisted to {@code caches.json} in the data directory on every change.
 * Lookups are lock-free; changes are serialized and rare.
 */
public final class CacheRegistry {
    static final String FILE = "caches.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataDirectory dataDirectory;
    private final ConcurrentHashMap<String, CacheInfo> caches = new ConcurrentHashMap<>();
    private final List<Consumer<String>> deletionListeners = new CopyOnWriteArrayList<>();

    public CacheRegistry(DataDirectory dataDirectory) {
        this.dataDirectory = dataDirectory;
        dataDirectory.read(FILE).ifPresent(this::load);
    }

    public Optional<CacheInfo> find(String name) {
        return Optional.ofNullable(caches.get(name));
    }

    /** The cache, or the 404 error every transport reports for a missing cache. */
    public CacheInfo require(String name) {
        CacheInfo cache = caches.get(name);
        if (cache == null) {
            throw TernException.cacheNotFound(name);
        }
        return cache;
    }

    public List<CacheInfo> list() {
        List<CacheInfo> all = new ArrayList<>(caches.values());
        all.sort(Comparator.comparing(CacheInfo::name));
        return all;
    }

    public synchronized CacheInfo create(String name, TopicLimits limits) {
        ResourceNames.requireCacheName(name);
        if (caches.containsKey(name)) {
            throw TernException.alreadyExists("cache " + name + " already exists");
        }
        CacheInfo cache = new CacheInfo(name, limits, Instant.now().getEpochSecond());
        caches.put(name, cache);
        save();
        return cache;
    }

    public void delete(String name) {
        synchronized (this) {
            if (caches.remove(name) == null) {
                throw TernException.cacheNotFound(name);
            }
            save();
        }
        deletionListeners.forEach(listener -> listener.accept(name));
    }

    /** Called with the name of each deleted cache, after it is gone from the registry. */
    public void onDelete(Consumer<String> listener) {
        deletionListeners.add(listener);
    }

    private void save() {
        try {
            dataDirectory.writeAtomically(FILE, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(Map.of("caches", list())));
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
