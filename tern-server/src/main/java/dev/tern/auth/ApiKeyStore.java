package dev.tern.auth;

import java.util.List;
import java.util.Optional;

/**
 * Where the records of long-lived API keys and their refresh tokens are kept: a file in the data directory (one
 * node) or Redis (every node). Control-plane calls only; they may block.
 */
public interface ApiKeyStore {

    /** Every stored key, expired ones included until they are pruned. */
    List<ApiKeyRecord> list();

    Optional<ApiKeyRecord> find(String id);

    /** Stores a new key with the hash of its refresh token. */
    void add(ApiKeyRecord record, String refreshTokenHash);

    /** Forgets a key and its refresh token; false when there was none. */
    boolean remove(String id);

    /**
     * Uses up the key's refresh token: true, once, when {@code refreshTokenHash} is the hash stored for it; false
     * when it differs or was used already. Atomic, so a refresh token works once even when two nodes race.
     */
    boolean consumeRefreshToken(String id, String refreshTokenHash);
}
