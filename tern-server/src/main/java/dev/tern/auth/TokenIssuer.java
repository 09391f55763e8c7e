package dev.tern.auth;

import dev.tern.error.TernException;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

/** Mints tokens: the super-user API key on first start, disposable tokens on request. */
public final class TokenIssuer {
    private final TokenCodec codec;
    private final Authorizer authorizer;
    private final Clock clock;
    private final String publicEndpoint;

    public TokenIssuer(TokenCodec codec, Authorizer authorizer, Clock clock, String publicEndpoint) {
        this.codec = codec;
        this.authorizer = authorizer;
        this.clock = clock;
        this.publicEndpoint = publicEndpoint;
    }

    /** A super-user API key that never expires. */
    public String superUserApiKey() {
        return V1Token.wrap(codec.encode(new Principal(newId(), true, List.of(), null, 0)), publicEndpoint);
    }

    public IssuedToken mintDisposable(Principal issuer, DisposableTokenRequest request) {
        authorizer.requireSuperUser(issuer);
        if (!issuer.isApiKey()) {
            throw TernException.forbidden("disposable tokens are minted with a super-user API key, not with another disposable token");
        }
        long validUntil = clock.instant().getEpochSecond() + request.expiresInSeconds();
        Principal principal = new Principal(newId(), request.superUser(), request.permissions(), request.tokenId(), validUntil);
        return new IssuedToken(V1Token.wrap(codec.encode(principal), publicEndpoint), publicEndpoint, validUntil);
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }
}
