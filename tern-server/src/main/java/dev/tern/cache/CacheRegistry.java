package dev.tern.cache;

import dev.tern.error.TernException;
import dev.tern.storage.DataDirectory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The caches and their limits. Lookups read an in-memory copy (lock-free); changes are written through to the
 * {@link CacheStore} (a file for one node, Redis for many), which also reports changes other nodes make.
 */
public final class CacheRegistry {
    private final CacheStore store;
    private final ConcurrentHashMap<String, CacheInfo> caches = new ConcurrentHashMap<>();
    /** When this node learned of each cache (System.nanoTime), so an older snapshot of the store cannot drop it. */
    private final ConcurrentHashMap<String, Long> learnedAt = new ConcurrentHashMap<>();
    private final List<Consumer<String>> deletionListeners = new CopyOnWriteArrayList<>();

    /** The single-node registry, persisted to {@code caches.json} in the data directory. */
    public CacheRegistry(DataDirectory dataDirectory) {
        this(new FileCacheStore(dataDirectory));
    }

    public CacheRegistry(CacheStore store) {
        this.store = store;
        store.loadAll().forEach(this::remember);
        store.watch(new StoreChanges());
    }

    public Optional<CacheInfo> find(String name) {
        CacheInfo cache = caches.get(name);
        if (cache != null) {
            return Optional.of(cache);
        }
        // Two requests missing the copy at once must get the same incarnation, or isCurrent would fail one of them.
        return store.lookup(name).map(this::remember);
    }

    /**
     * True while {@code cache} is the registry's current incarnation of its name: false once it was deleted, even
     * if a cache of the same name was created since. Incarnations are told apart by identity.
     */
    public boolean isCurrent(CacheInfo cache) {
        return caches.get(cache.name()) == cache;
    }

    /** The cache, or the 404 error every transport reports for a missing cache. */
    public CacheInfo require(String name) {
        return find(name).orElseThrow(() -> TernException.cacheNotFound(name));
    }

    public List<CacheInfo> list() {
        long snapshotTaken = System.nanoTime();
        reconcile(store.loadAll(), snapshotTaken);
        List<CacheInfo> all = new ArrayList<>(caches.values());
        all.sort(Comparator.comparing(CacheInfo::name));
        return all;
    }

    /** One page of {@link #list()}: at most {@code size} caches after the one {@code nextToken} names. */
    public CachePage page(String nextToken, int size) {
        return CachePage.of(list(), nextToken, size);
    }

    public synchronized CacheInfo create(String name, TopicLimits limits) {
        ResourceNames.requireCacheName(name);
        CacheInfo cache = new CacheInfo(name, limits, Instant.now().getEpochSecond());
        if (!store.insert(cache)) {
            throw TernException.alreadyExists("cache " + name + " already exists");
        }
        return remember(cache);
    }

    public void delete(String name) {
        boolean removed;
        synchronized (this) {
            removed = store.remove(name);
        }
        forget(name);
        if (!removed) {
            throw TernException.cacheNotFound(name);
        }
    }

    /** Called with the name of each deleted cache, after it is gone from the registry (whichever node deleted it). */
    public void onDelete(Consumer<String> listener) {
        deletionListeners.add(listener);
    }

    /** Holds the cache (keeping an equal copy already held) and returns the instance held. */
    private CacheInfo remember(CacheInfo cache) {
        learnedAt.put(cache.name(), System.nanoTime());
        return keepIncarnation(cache);
    }

    private void forget(String name) {
        learnedAt.remove(name);
        if (caches.remove(name) != null) {
            deletionListeners.forEach(listener -> listener.accept(name));
        }
    }

    /** Stores {@code cache} unless an equal copy is held: re-reading the store must not look like a new incarnation. */
    private CacheInfo keepIncarnation(CacheInfo cache) {
        return caches.merge(cache.name(), cache, (held, read) -> held.equals(read) ? held : read);
    }

    /** Brings the copy in line with a snapshot of the store taken at {@code snapshotTaken} (System.nanoTime). */
    private void reconcile(List<CacheInfo> all, long snapshotTaken) {
        Set<String> present = new HashSet<>();
        for (CacheInfo cache : all) {
            present.add(cache.name());
            keepIncarnation(cache);
            learnedAt.putIfAbsent(cache.name(), snapshotTaken);
        }
        for (String name : List.copyOf(caches.keySet())) {
            Long learned = learnedAt.get(name);
            if (!present.contains(name) && (learned == null || learned - snapshotTaken < 0)) {
                forget(name);
            }
        }
    }

    private final class StoreChanges implements CacheStore.Changes {
        @Override
        public void created(CacheInfo cache) {
            keepIncarnation(cache);
        }

        @Override
        public void deleted(String name) {
            forget(name);
        }

        @Override
        public void reload(List<CacheInfo> all, long snapshotTaken) {
            reconcile(all, snapshotTaken);
        }

        @Override
        public List<CacheInfo> current() {
            return List.copyOf(caches.values());
        }
    }
}
