package dev.tern.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The two signatures on every delivery, both keyed with the UTF-8 bytes of the webhook's secret string:
 * <ul>
 *   <li>{@code momento-signature}: lowercase hex HMAC-SHA3-256 of the raw body, as Momento signs;</li>
 *   <li>{@code webhook-signature}: {@code v1,} and the base64 HMAC-SHA256 of {@code id.timestamp.body}, as the
 *       Standard Webhooks specification signs (its libraries take the secret as {@code whsec_} + base64 of it).</li>
 * </ul>
 */
public final class WebhookSignatures {
    private static final HexFormat HEX = HexFormat.of();
    /** Looking an algorithm up costs more than using it: one instance of each per thread, re-keyed per use. */
    private static final ThreadLocal<Mac> SHA3 = ThreadLocal.withInitial(() -> newMac("HmacSHA3-256"));
    private static final ThreadLocal<Mac> SHA2 = ThreadLocal.withInitial(() -> newMac("HmacSHA256"));

    private WebhookSignatures() {
    }

    public static String momento(String secret, byte[] body) {
        return HEX.formatHex(hmac(SHA3.get(), secret, body));
    }

    public static String standardWebhooks(String secret, String id, long timestampSeconds, byte[] body) {
        byte[] prefix = (id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return "v1," + Base64.getEncoder().encodeToString(hmac(SHA2.get(), secret, signed));
    }

    private static byte[] hmac(Mac mac, String secret, byte[] data) {
        try {
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), mac.getAlgorithm()));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("an HMAC key of any length is valid", e);
        }
    }

    private static Mac newMac(String algorithm) {
        try {
            return Mac.getInstance(algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is part of every Java 17 runtime", e);
        }
    }
}
