package dev.tern.auth;

import dev.tern.error.TernException;

import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;

/** Mints disposable tokens (API keys: {@link ApiKeys}). */
public final class TokenIssuer {
    private final TokenCodec codec;
    private final Authorizer authorizer;
    private final Clock clock;
    private final Supplier<String> publicEndpoint;

    /** {@code publicEndpoint} is asked at each minting: it may name a port only known once the server listens. */
    public TokenIssuer(TokenCodec codec, Authorizer authorizer, Clock clock, Supplier<String> publicEndpoint) {
        this.codec = codec;
        this.authorizer = authorizer;
        this.clock = clock;
        this.publicEndpoint = publicEndpoint;
    }

    public IssuedToken mintDisposable(Principal issuer, DisposableTokenRequest request) {
        authorizer.requireSuperUser(issuer);
        if (!issuer.isApiKey()) {
            throw TernException.forbidden("disposable tokens are minted with a super-user API key, not with another disposable token");
        }
        long now = clock.instant().getEpochSecond();
        long validUntil = now + request.expiresInSeconds();
        Principal principal = new Principal(newId(), request.superUser(), request.permissions(), request.tokenId(),
                validUntil, now, false);
        String endpoint = publicEndpoint.get();
        return new IssuedToken(V1Token.wrap(codec.encode(principal), endpoint), endpoint, validUntil);
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }
}
