package dev.tern.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tern.error.TernException;

import java.time.Clock;
import java.time.Duration;

/**
 * Authenticates credentials. A verified credential is remembered (bounded, for a few minutes) so the hot path does
 * not re-check signatures; expiry is checked on every use.
 */
public final class TokenVerifier {
    private final TokenCodec codec;
    private final Clock clock;
    private final RevocationList revocations;
    private final Cache<String, Principal> verified = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(5))
            .build();

    public TokenVerifier(TokenCodec codec, Clock clock, RevocationList revocations) {
        this.codec = codec;
        this.clock = clock;
        this.revocations = revocations;
    }

    /** Forgets every verified credential, e.g. after a signing key's grace period ended. */
    public void forgetVerified() {
        verified.invalidateAll();
    }

    /** The principal behind a credential (a v1 token or its inner key); 401 when missing, invalid or expired. */
    public Principal authenticate(String credential) {
        if (credential == null || credential.isBlank()) {
            throw TernException.unauthenticated("missing token: pass it as the Authorization header or the token query parameter");
        }
        Principal principal = verified.getIfPresent(credential);
        if (principal == null) {
            principal = codec.decode(V1Token.innerKey(credential.trim()));
            verified.put(credential, principal);
        }
        requireValid(principal);
        return principal;
    }

    /**
     * 401 when a credential verified earlier has since expired or been revoked. Cached principals are checked here
     * on every use, so a revocation needs no cache invalidation: it is two hash lookups.
     */
    public void requireValid(Principal principal) {
        if (principal.isExpiredAt(nowEpochSeconds())) {
            throw TernException.unauthenticated("token expired");
        }
        if (revocations.isRevoked(principal)) {
            throw TernException.unauthenticated("token revoked");
        }
    }

    /** The clock's epoch second, read without the {@code Instant} that {@code clock.instant()} makes on every request. */
    private long nowEpochSeconds() {
        return Math.floorDiv(clock.millis(), 1000L);
    }

    /** Why a credential verified earlier no longer works, or null while it does. */
    public CredentialEnd endOf(Principal principal) {
        if (principal.isExpiredAt(nowEpochSeconds())) {
            return CredentialEnd.EXPIRED;
        }
        return revocations.isRevoked(principal) ? CredentialEnd.REVOKED : null;
    }

    /** The principal behind a key even when it has expired (refreshing must tell "expired" from "forged"). */
    Principal decodeIgnoringExpiry(String credential) {
        return codec.decode(V1Token.innerKey(credential.trim()));
    }
}
