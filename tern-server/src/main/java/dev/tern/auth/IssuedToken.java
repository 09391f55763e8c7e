package dev.tern.auth;

/** A minted token: the v1 token to hand out, the endpoint it names, and when it expires (epoch seconds). */
public record IssuedToken(String token, String endpoint, long validUntilEpochSecs) {
}
