package dev.tern.auth;

import dev.tern.error.TernException;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The keys that sign tokens, each named by a {@code kid} that every token carries in its header. One key signs;
 * after {@link #rotate} the previous ones keep verifying until their grace period ends, then the tokens they signed
 * are refused. Tokens minted before kids existed name no kid and are {@code k0}'s, the original secret.
 */
public final class SigningKeys {
    public static final String FIRST_KID = "k0";

    private final SigningKey first;
    private final SigningKeyStore store;
    private final Clock clock;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Map<String, Entry> keys = Map.of();
    private volatile Entry current;

    private record Entry(SigningKey key, long retiredUntil) {
    }

    public SigningKeys(SigningKey first, SigningKeyStore store, Clock clock) {
        this.first = first;
        this.store = store;
        this.clock = clock;
        reload();
        store.watch(() -> {
            reload();
            notifyListeners();
        });
    }

    /** The key that signs now. */
    SigningKey current() {
        return current.key();
    }

    /** The key that verifies a token naming {@code kid} (null: {@code k0}); 401 when unknown or retired. */
    SigningKey verifying(String kid) {
        Entry entry = keys.get(kid == null ? FIRST_KID : kid);
        if (entry == null) {
            throw TernException.unauthenticated("invalid token");
        }
        if (entry.retiredUntil() != 0 && clock.instant().getEpochSecond() >= entry.retiredUntil()) {
            throw TernException.unauthenticated("token signed by a retired signing key; get a new one");
        }
        return entry.key();
    }

    public String currentKid() {
        return current.key().kid();
    }

    /**
     * Adds a new signing key; the one signing until now verifies for {@code grace} more, then its tokens are refused.
     * Returns the new kid.
     */
    public synchronized String rotate(Duration grace) {
        if (grace.isNegative()) {
            throw TernException.badRequest("the grace period cannot be negative");
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String kid = "k" + Long.toString(clock.millis(), 36);
        SigningKey previous = current.key();
        store.rotate(new SigningKeyStore.StoredKey(kid, Base64.getEncoder().encodeToString(secret), 0),
                new SigningKeyStore.StoredKey(previous.kid(), Base64.getEncoder().encodeToString(previous.secret()),
                        clock.instant().getEpochSecond() + Math.max(1, grace.toSeconds())));
        reload();
        notifyListeners();
        return kid;
    }

    /** The signing keys: kid, whether it signs now, and until when it verifies (0: no end). */
    public synchronized List<Map<String, Object>> describe() {
        List<Map<String, Object>> described = new ArrayList<>();
        keys.forEach((kid, entry) -> described.add(Map.of("kid", kid, "current", entry == current,
                "verifies_until", entry.retiredUntil())));
        return described;
    }

    /** Drops keys whose grace period ended; tells listeners (e.g. the verifier's cache) when any did. */
    public void pruneRetired() {
        long now = clock.instant().getEpochSecond();
        if (keys.values().stream().anyMatch(e -> e.retiredUntil() != 0 && now >= e.retiredUntil())) {
            synchronized (this) {
                Map<String, Entry> kept = new HashMap<>(keys);
                kept.values().removeIf(e -> e.retiredUntil() != 0 && now >= e.retiredUntil());
                keys = Map.copyOf(kept);
            }
            notifyListeners();
        }
    }

    /** Runs after every change of the key ring (rotation here or elsewhere, end of a grace period). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void notifyListeners() {
        listeners.forEach(Runnable::run);
    }

    private synchronized void reload() {
        SigningKeyStore.Ring ring = store.load();
        Map<String, Entry> loaded = new HashMap<>();
        loaded.put(FIRST_KID, new Entry(first, 0));
        for (SigningKeyStore.StoredKey stored : ring.keys()) {
            loaded.put(stored.kid(), new Entry(SigningKey.fromSecret(stored.kid(), Base64.getDecoder().decode(stored.secret()), false),
                    stored.retiredUntil()));
        }
        String currentKid = ring.currentKid() == null ? FIRST_KID : ring.currentKid();
        Entry signing = loaded.get(currentKid);
        if (signing == null) {
            throw new IllegalStateException("the current signing key " + currentKid + " is missing from the store");
        }
        keys = Map.copyOf(loaded);
        current = signing;
    }
}
