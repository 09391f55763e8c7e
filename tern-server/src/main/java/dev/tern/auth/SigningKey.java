package dev.tern.auth;

import dev.tern.storage.DataDirectory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/** One secret that signs tokens, named by its kid; the first ({@code k0}) is created on first start. */
public final class SigningKey {
    static final String FILE = "signing-secret";
    private static final String ALGORITHM = "HmacSHA256";

    private final String kid;
    private final SecretKeySpec key;
    private final boolean created;

    private SigningKey(String kid, byte[] secret, boolean created) {
        this.kid = kid;
        this.key = new SecretKeySpec(secret, ALGORITHM);
        this.created = created;
    }

    public static SigningKey loadOrCreate(DataDirectory dataDirectory) {
        return dataDirectory.read(FILE)
                .map(stored -> new SigningKey(SigningKeys.FIRST_KID,
                        Base64.getDecoder().decode(new String(stored, StandardCharsets.US_ASCII).trim()), false))
                .orElseGet(() -> {
                    byte[] secret = new byte[32];
                    new SecureRandom().nextBytes(secret);
                    dataDirectory.writeAtomically(FILE, Base64.getEncoder().encode(secret));
                    return new SigningKey(SigningKeys.FIRST_KID, secret, true);
                });
    }

    /** The first key ({@code k0}) from a secret kept elsewhere (e.g. in Redis, shared by every node). */
    public static SigningKey fromSecret(byte[] secret, boolean created) {
        return fromSecret(SigningKeys.FIRST_KID, secret, created);
    }

    static SigningKey fromSecret(String kid, byte[] secret, boolean created) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("a signing secret must have at least 32 bytes");
        }
        return new SigningKey(kid, secret, created);
    }

    String kid() {
        return kid;
    }

    byte[] secret() {
        return key.getEncoded();
    }

    /** True when this start created the key, i.e. the data directory was new. */
    public boolean wasCreated() {
        return created;
    }

    byte[] sign(byte[] content) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
