package dev.tern.cache;

import java.util.List;
import java.util.Optional;

/**
 * Where the caches are kept: a file in the data directory (one node) or Redis (every node sees the same caches).
 * The {@link CacheRegistry} keeps a copy in memory for lookups and writes through to its store.
 */
public interface CacheStore {

    /** Every stored cache. */
    List<CacheInfo> loadAll();

    /** Stores a new cache; false when a cache of that name exists already. */
    boolean insert(CacheInfo cache);

    /** Removes a cache; false when there was none. */
    boolean remove(String name);

    /** A cache the registry does not know yet (another node may just have created it); empty when none. */
    default Optional<CacheInfo> lookup(String name) {
        return Optional.empty();
    }

    /** Tells the registry about changes other nodes make; stores that only this node writes need not. */
    default void watch(Changes changes) {
    }

    /** Changes made elsewhere, reported by a shared store. */
    interface Changes {
        void created(CacheInfo cache);

        void deleted(String name);

        /**
         * The full set of caches, after the store may have missed announcements (e.g. a lost connection), as read
         * from a snapshot begun at {@code snapshotTaken} ({@link System#nanoTime()}).
         */
        void reload(List<CacheInfo> all, long snapshotTaken);

        /** The caches this node knows now (to put back into a store that lost them). */
        List<CacheInfo> current();
    }
}
