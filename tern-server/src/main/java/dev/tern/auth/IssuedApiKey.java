package dev.tern.auth;

/**
 * A minted API key.
 *
 * @param apiKey       what the user keeps: a v1 token ({@code base64({"api_key", "endpoint"})}) or, for a v2 key,
 *                     the signed key itself
 * @param innerKey     the signed key, which is what gRPC answers (the SDK wraps it with the endpoint)
 * @param refreshToken single-use; trades this key for a fresh pair
 * @param validUntil   epoch seconds; 0 for never
 */
public record IssuedApiKey(String id, String apiKey, String innerKey, String refreshToken, String endpoint,
                           long validUntil) {
}
