package dev.tern.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Momento's v1 token: {@code base64({"api_key": "<key>", "endpoint": "<host>"})}. SDKs unwrap it and send only the
 * key; people paste either form over HTTP, so both are accepted.
 */
public final class V1Token {
    private static final ObjectMapper JSON = new ObjectMapper();

    private V1Token() {
    }

    public static String wrap(String apiKey, String endpoint) {
        try {
            byte[] json = JSON.writeValueAsBytes(Map.of("api_key", apiKey, "endpoint", endpoint));
            return Base64.getEncoder().encodeToString(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The inner key of a v1 token, or the credential itself when it is not one. */
    public static String innerKey(String credential) {
        if (credential.indexOf('.') >= 0) {
            return credential; // a v1 token is base64 and has no dots; a bare key (a JWT) does
        }
        try {
            JsonNode node = JSON.readTree(new String(Base64.getDecoder().decode(credential), StandardCharsets.UTF_8));
            JsonNode key = node == null ? null : node.get("api_key");
            return key != null && key.isTextual() ? key.asText() : credential;
        } catch (Exception e) {
            return credential;
        }
    }
}
