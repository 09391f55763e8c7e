package dev.tern.auth;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.error.TernException;
import dev.tern.storage.DataDirectory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Base64;

/**
 * Fuzzes what reads untrusted token bytes: whole credentials (v1 base64 JSON tokens, JWT inner keys, anything),
 * the JSON inside a v1 token, and permission JSON. The only acceptable failure is a TernException (a 4xx).
 * Seeds: {@code src/test/resources/dev/tern/auth/TokenFuzzTestInputs/<method>/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class TokenFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TokenVerifier VERIFIER;
    private static final TokenCodec CODEC;

    static {
        try {
            DataDirectory data = new DataDirectory(Files.createTempDirectory("tern-fuzz"));
            Clock clock = Clock.systemUTC();
            CODEC = new TokenCodec(new SigningKeys(SigningKey.loadOrCreate(data), new FileSigningKeyStore(data), clock));
            VERIFIER = new TokenVerifier(CODEC, clock, new RevocationList(new FileRevocationStore(data), clock));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void credentials(byte[] input) {
        authenticate(new String(input, StandardCharsets.UTF_8));
    }

    /** The fuzzed bytes as the JSON inside a v1 token ({@code {"api_key": ..., "endpoint": ...}}). */
    @FuzzTest(maxDuration = "10s")
    void v1TokenJson(byte[] input) {
        authenticate(Base64.getEncoder().encodeToString(input));
        authenticate(Base64.getUrlEncoder().withoutPadding().encodeToString(input));
    }

    /** The fuzzed bytes as a JWT's claims, wrapped as the inner key: the signature check must reject them cleanly. */
    @FuzzTest(maxDuration = "10s")
    void jwtClaims(byte[] input) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        authenticate("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + b64.encodeToString(input) + ".c2ln");
    }

    @FuzzTest(maxDuration = "10s")
    void permissionJson(byte[] input) {
        JsonNode node;
        try {
            node = JSON.readTree(input);
        } catch (IOException notJson) {
            return;
        }
        try {
            TopicPermission permission = PermissionJson.parse(node);
            PermissionJson.write(permission); // what was accepted can be written back into a token
        } catch (TernException expected) {
            // a 400
        }
    }

    private static void authenticate(String credential) {
        try {
            VERIFIER.authenticate(credential);
        } catch (TernException expected) {
            // a 401
        }
    }
}
