package dev.tern.auth;

import java.util.Collection;
import java.util.Map;

/**
 * Where revocations are kept, as entries {@code name -> value} ({@link RevocationList} defines both): a file in the
 * data directory (one node) or a Redis hash (every node, changes announced).
 */
public interface RevocationStore {

    Map<String, String> loadAll();

    void add(String name, String value);

    /** Forgets entries that can no longer matter (their credentials have expired anyway). */
    void remove(Collection<String> names);

    /** Calls {@code changed} (on any thread) whenever another node may have changed the entries. */
    default void watch(Runnable changed) {
    }
}
