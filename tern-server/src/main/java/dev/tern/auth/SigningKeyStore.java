package dev.tern.auth;

import java.util.List;

/**
 * Where the signing keys beyond the first are kept: a file in the data directory, or Redis (every node). The first
 * key is the original signing secret ({@code signing-secret}, or {@code tern:signing-secret}), kid {@code k0}.
 */
public interface SigningKeyStore {

    /** A stored key: its base64 secret, and when it stops verifying (epoch seconds; 0 while it is current). */
    record StoredKey(String kid, String secret, long retiredUntil) {
    }

    /** Every rotated-in key and retirement, and which key signs now (null: still {@code k0}). */
    record Ring(List<StoredKey> keys, String currentKid) {
    }

    Ring load();

    /** Makes {@code next} the current key; {@code retired} (the previous one) verifies until its time. */
    void rotate(StoredKey next, StoredKey retired);

    /** Calls {@code changed} (on any thread) when another node may have rotated. */
    default void watch(Runnable changed) {
    }
}
