package dev.tern.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tern.error.TernException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Turns a principal into the opaque key a client sends (the {@code api_key} inside a Momento v1 token) and back.
 * The key is a JWT signed with HS256, so operators can read its claims with any JWT tool; clients treat it as opaque.
 */
public final class TokenCodec {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final String ALGORITHM = "HS256";

    private final SigningKeys signingKeys;

    public TokenCodec(SigningKeys signingKeys) {
        this.signingKeys = signingKeys;
    }

    private static String header(String kid) {
        return B64.encodeToString(("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    public String encode(Principal principal) {
        return encode(principal, false);
    }

    /**
     * The signed key. {@code v2} adds the claim {@code "t": "g"} that makes the Momento SDKs accept the key as a v2 API
     * key ({@code CredentialProvider.fromApiKeyV2}); Tern verifies both forms alike.
     */
    public String encode(Principal principal, boolean v2) {
        ObjectNode claims = JSON.createObjectNode();
        claims.put("jti", principal.id());
        if (v2) {
            claims.put("t", "g");
        }
        if (principal.longLived()) {
            claims.put("lk", true);
        }
        if (principal.issuedAtEpochSecs() != 0) {
            claims.put("iat", principal.issuedAtEpochSecs());
        }
        if (principal.superUser()) {
            claims.put("su", true);
        }
        ArrayNode permissions = claims.putArray("perms");
        principal.permissions().forEach(p -> permissions.add(PermissionJson.write(p)));
        if (principal.tokenId() != null) {
            claims.put("tid", principal.tokenId());
        }
        if (principal.expiresAtEpochSecs() != 0) {
            claims.put("exp", principal.expiresAtEpochSecs());
        }
        SigningKey key = signingKeys.current();
        String signedPart = header(key.kid()) + "." + B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        return signedPart + "." + B64.encodeToString(key.sign(signedPart.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The principal a key stands for; 401 when the key is malformed or not signed by this server. */
    public Principal decode(String key) {
        int first = key.indexOf('.');
        int last = key.lastIndexOf('.');
        if (first <= 0 || last == first || last == key.length() - 1) {
            throw invalid();
        }
        // The header names the algorithm and the signing key; anything but HS256 (e.g. "none") is refused.
        SigningKey signingKey = signingKeyOf(key.substring(0, first));
        byte[] expected = signingKey.sign(key.substring(0, last).getBytes(StandardCharsets.US_ASCII));
        byte[] actual;
        try {
            actual = B64D.decode(key.substring(last + 1));
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (!MessageDigest.isEqual(expected, actual)) {
            throw invalid();
        }
        try {
            JsonNode claims = JSON.readTree(B64D.decode(key.substring(first + 1, last)));
            List<TopicPermission> permissions = new ArrayList<>();
            claims.path("perms").forEach(p -> permissions.add(PermissionJson.parse(p)));
            if (!claims.isObject() || !claims.path("jti").isTextual() || permissions.size() > ApiKeyRequest.MAX_PERMISSIONS) {
                throw invalid();
            }
            long expires = claims.path("exp").asLong(0);
            // Keys minted before "lk" existed are the ones without an expiry.
            boolean longLived = claims.path("lk").asBoolean(false) || expires == 0;
            return new Principal(claims.path("jti").asText(), claims.path("su").asBoolean(false), permissions,
                    claims.hasNonNull("tid") ? claims.get("tid").asText() : null, expires,
                    claims.path("iat").asLong(0), longLived);
        } catch (IOException | IllegalArgumentException | TernException e) {
            throw invalid();
        }
    }

    String currentKid() {
        return signingKeys.currentKid();
    }

    /** The kid a well-formed key names ({@code k0} when none); "" when unreadable. */
    static String kidOf(String key) {
        int first = key.indexOf('.');
        try {
            JsonNode header = JSON.readTree(B64D.decode(key.substring(0, Math.max(first, 0))));
            return header.hasNonNull("kid") ? header.get("kid").asText() : SigningKeys.FIRST_KID;
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private SigningKey signingKeyOf(String encodedHeader) {
        JsonNode header;
        try {
            header = JSON.readTree(B64D.decode(encodedHeader));
        } catch (IOException | IllegalArgumentException e) {
            throw invalid();
        }
        if (header == null || !header.isObject() || !ALGORITHM.equals(header.path("alg").asText())) {
            throw invalid();
        }
        JsonNode kid = header.get("kid");
        if (kid != null && !kid.isTextual()) {
            throw invalid();
        }
        return signingKeys.verifying(kid == null ? null : kid.asText());
    }

    private static TernException invalid() {
        return TernException.unauthenticated("invalid token");
    }
}
