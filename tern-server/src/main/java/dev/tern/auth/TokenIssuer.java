package dev.tern.auth;

import dev.tern.error.TernException;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/** Mints tokens: the super-user API key on first start, disposable tokens on request. */
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

    /** A super-user API key that never expires. */
    public String superUserApiKey() {
        return V1Token.wrap(codec.encode(new Principal(newId(), true, List.of(), null, 0)), publicEndpoint.get());
    }

    public IssuedToken mintDisposable(Principal issuer, DisposableTokenRequest request) {
        authorizer.requireSuperUser(issuer);
        if (!issuer.isApiKey()) {
            throw TernException.forbidden("disposable tokens are minted with a super-user API key, not with another disposable token");
        }
        long validUntil = clock.instant().getEpochSecond() + request.expiresInSeconds();
        Principal principal = new Principal(newId(), request.superUser(), request.permissions(), request.tokenId(), validUntil);
        String endpoint = publicEndpoint.get();
        return new IssuedToken(V1Token.wrap(codec.encode(principal), endpoint), endpoint, validUntil);
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }
}
