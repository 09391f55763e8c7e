package dev.tern.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Revoked credentials, checked on every use of a credential with two hash lookups (never a scan), so revocation
 * costs the publish path nothing measurable even with 100,000 entries.
 * <ul>
 *   <li>{@code key:<id>} = {@code <until>}: the API key (or token) with that id; {@code until} is when it would have
 *       expired anyway (0: never), after which the entry is dropped.</li>
 *   <li>{@code token_id:<token_id>} = {@code <revokedAt>:<until>}: every disposable token with that {@code token_id}
 *       minted up to {@code revokedAt} (epoch seconds); tokens minted later with the same id work. Disposable tokens
 *       live an hour at most, so the entry is dropped an hour after.</li>
 * </ul>
 * Listeners hear about every change, local or from another node, so open streams can end.
 */
public final class RevocationList {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationList.class);
    static final String KEY = "key:";
    static final String TOKEN_ID = "token_id:";

    private final RevocationStore store;
    private final Clock clock;
    /** Key id to the epoch second its entry may be dropped (0: never). */
    private volatile Map<String, Long> keys = Map.of();
    /** token_id to the epoch second up to which its tokens are revoked. */
    private volatile Map<String, Long> tokenIds = Map.of();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public RevocationList(RevocationStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        reload();
        store.watch(this::reloadAndNotify);
    }

    /** True when the credential was revoked. */
    public boolean isRevoked(Principal principal) {
        if (keys.containsKey(principal.id())) {
            return true;
        }
        if (principal.tokenId() == null || principal.isApiKey()) {
            return false;
        }
        Long revokedUpTo = tokenIds.get(principal.tokenId());
        return revokedUpTo != null && principal.issuedAtEpochSecs() <= revokedUpTo;
    }

    /** Revokes one credential by id; {@code expiresEpochSecs} (0 for never) bounds how long the entry is kept. */
    public void revokeKey(String id, long expiresEpochSecs) {
        store.add(KEY + id, Long.toString(expiresEpochSecs));
        reloadAndNotify();
    }

    /** Revokes every disposable token minted so far with this {@code token_id}. */
    public void revokeTokenId(String tokenId) {
        long now = clock.instant().getEpochSecond();
        store.add(TOKEN_ID + tokenId, now + ":" + (now + DisposableTokenRequest.MAX_EXPIRY_SECONDS + 1));
        reloadAndNotify();
    }

    /** Runs {@code listener} after every change to the list (on the thread that noticed it). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    public int size() {
        return keys.size() + tokenIds.size();
    }

    private void reloadAndNotify() {
        reload();
        listeners.forEach(Runnable::run);
    }

    /** Reads the store, dropping entries whose credentials have expired anyway. */
    private synchronized void reload() {
        long now = clock.instant().getEpochSecond();
        Map<String, Long> newKeys = new ConcurrentHashMap<>();
        Map<String, Long> newTokenIds = new ConcurrentHashMap<>();
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, String> entry : store.loadAll().entrySet()) {
            try {
                String name = entry.getKey();
                String value = entry.getValue();
                if (name.startsWith(KEY)) {
                    long until = Long.parseLong(value);
                    if (until != 0 && until < now) {
                        stale.add(name);
                    } else {
                        newKeys.put(name.substring(KEY.length()), until);
                    }
                } else if (name.startsWith(TOKEN_ID)) {
                    int colon = value.indexOf(':');
                    long revokedAt = Long.parseLong(value.substring(0, colon));
                    long until = Long.parseLong(value.substring(colon + 1));
                    if (until < now) {
                        stale.add(name);
                    } else {
                        newTokenIds.put(name.substring(TOKEN_ID.length()), revokedAt);
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("ignoring a malformed revocation entry {}", entry.getKey());
            }
        }
        keys = newKeys;
        tokenIds = newTokenIds;
        if (!stale.isEmpty()) {
            store.remove(stale);
        }
    }
}
