package dev.tern.auth;

import dev.tern.error.TernException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Long-lived API keys: minting (with a single-use refresh token), refreshing, listing and revoking. The key itself is
 * a signed token verified like any other; the {@link ApiKeyStore} keeps what listing and refreshing need, and the
 * {@link RevocationList} what revoking needs.
 */
public final class ApiKeys {
    /** The description of the super-user key Tern writes into the data directory on first start. */
    public static final String BOOTSTRAP_DESCRIPTION = "super-user key of the data directory";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final TokenCodec codec;
    private final TokenVerifier verifier;
    private final Authorizer authorizer;
    private final ApiKeyStore store;
    private final RevocationList revocations;
    private final Clock clock;
    private final Supplier<String> publicEndpoint;

    public ApiKeys(TokenCodec codec, TokenVerifier verifier, Authorizer authorizer, ApiKeyStore store,
                   RevocationList revocations, Clock clock, Supplier<String> publicEndpoint) {
        this.codec = codec;
        this.verifier = verifier;
        this.authorizer = authorizer;
        this.store = store;
        this.revocations = revocations;
        this.clock = clock;
        this.publicEndpoint = publicEndpoint;
    }

    /** Mints a key; only a super-user API key may. */
    public IssuedApiKey generate(Principal caller, ApiKeyRequest request) {
        requireSuperUserKey(caller);
        long now = clock.instant().getEpochSecond();
        return mint(new ApiKeyRecord(newId(), request.description(), request.superUser(), request.permissions(),
                request.tokenId(), now, request.expires() ? now + request.expiresInSeconds() : 0, request.v2()));
    }

    /**
     * Trades a key and its refresh token for a new pair with the same scope and the same validity window, starting
     * now (as Momento does). The refresh token works once; the old key keeps working until it expires or is revoked.
     */
    public IssuedApiKey refresh(String apiKey, String refreshToken) {
        if (apiKey == null || apiKey.isBlank()) {
            throw TernException.badRequest("api_key is required");
        }
        if (refreshToken == null || refreshToken.isBlank()) {
            throw TernException.badRequest("refresh_token is required");
        }
        Principal key = verifier.decodeIgnoringExpiry(apiKey);
        if (!key.isApiKey()) {
            throw TernException.badRequest("only API keys can be refreshed; disposable tokens cannot");
        }
        CredentialEnd end = verifier.endOf(key);
        if (end != null) {
            throw TernException.unauthenticated(end == CredentialEnd.EXPIRED
                    ? "API key expired; an expired key cannot be refreshed" : "API key revoked");
        }
        int dot = refreshToken.indexOf('.');
        if (dot <= 0 || !refreshToken.substring(0, dot).equals(key.id())) {
            throw TernException.unauthenticated("refresh token does not belong to this API key");
        }
        ApiKeyRecord record = store.find(key.id())
                .orElseThrow(() -> TernException.unauthenticated("this API key has no refresh token"));
        if (!store.consumeRefreshToken(key.id(), hash(refreshToken.trim()))) {
            throw TernException.unauthenticated("refresh token invalid or already used");
        }
        long now = clock.instant().getEpochSecond();
        long window = record.expiresEpochSecs() == 0 ? 0 : record.expiresEpochSecs() - record.createdEpochSecs();
        return mint(new ApiKeyRecord(newId(), record.description(), record.superUser(), record.permissions(),
                record.tokenId(), now, window == 0 ? 0 : now + window, record.v2()));
    }

    public List<ApiKeyRecord> list(Principal caller) {
        requireSuperUserKey(caller);
        long now = clock.instant().getEpochSecond();
        return store.list().stream().filter(key -> !key.isExpiredAt(now)).toList();
    }

    /** Revokes a stored key by id: refused on every node from then on, and forgotten by listings. */
    public void revoke(Principal caller, String id) {
        requireSuperUserKey(caller);
        ApiKeyRecord record = store.find(id).orElseThrow(() -> TernException.notFound("no API key with id " + id));
        revocations.revokeKey(id, record.expiresEpochSecs());
        store.remove(id);
    }

    /** Revokes every disposable token minted so far with this {@code token_id}. */
    public void revokeTokenId(Principal caller, String tokenId) {
        requireSuperUserKey(caller);
        if (tokenId == null || tokenId.isEmpty() || tokenId.length() > DisposableTokenRequest.MAX_TOKEN_ID_LENGTH) {
            throw TernException.badRequest("token_id must be 1 to " + DisposableTokenRequest.MAX_TOKEN_ID_LENGTH + " characters");
        }
        revocations.revokeTokenId(tokenId);
    }

    /** The super-user key written into a new data directory: stored (so it can be listed and revoked), never expires. */
    public IssuedApiKey bootstrapSuperUserKey() {
        return mint(new ApiKeyRecord(newId(), BOOTSTRAP_DESCRIPTION, true, List.of(), null,
                clock.instant().getEpochSecond(), 0, false));
    }

    /** The same key (same id, same scope) in the v2 form; empty-handed callers get a 401 for a key that is not valid. */
    public String asV2(String apiKey) {
        Principal key = verifier.authenticate(apiKey);
        return codec.encode(key, true);
    }

    /**
     * The same key (same id and scope, same form) signed with the current signing key, or {@code apiKey} itself when
     * it already is; for the keys Tern keeps in the data directory, so they outlive a signing-key rotation.
     */
    public String resigned(String apiKey) {
        Principal key = verifier.authenticate(apiKey);
        String inner = V1Token.innerKey(apiKey.trim());
        if (TokenCodec.kidOf(inner).equals(codec.currentKid())) {
            return apiKey;
        }
        boolean v2 = inner.equals(apiKey.trim());
        String signed = codec.encode(key, v2);
        return v2 ? signed : V1Token.wrap(signed, publicEndpoint.get());
    }

    private IssuedApiKey mint(ApiKeyRecord record) {
        String refreshToken = record.id() + "." + randomSecret();
        store.add(record, hash(refreshToken));
        Principal principal = new Principal(record.id(), record.superUser(), record.permissions(), record.tokenId(),
                record.expiresEpochSecs(), record.createdEpochSecs(), true);
        String endpoint = publicEndpoint.get();
        String inner = codec.encode(principal, record.v2());
        return new IssuedApiKey(record.id(), record.v2() ? inner : V1Token.wrap(inner, endpoint), inner, refreshToken,
                endpoint, record.expiresEpochSecs());
    }

    private void requireSuperUserKey(Principal caller) {
        authorizer.requireSuperUser(caller);
        if (!caller.isApiKey()) {
            throw TernException.forbidden("API keys and revocations need a super-user API key, not a disposable token");
        }
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }

    private static String randomSecret() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return B64.encodeToString(secret);
    }

    static String hash(String refreshToken) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(refreshToken.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
