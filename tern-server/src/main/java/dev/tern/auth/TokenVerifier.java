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
    private final Cache<String, Principal> verified = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(5))
            .build();

    public TokenVerifier(TokenCodec codec, Clock clock) {
        this.codec = codec;
        this.clock = clock;
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
        if (principal.isExpiredAt(clock.instant().getEpochSecond())) {
            throw TernException.unauthenticated("token expired");
        }
        return principal;
    }
}
