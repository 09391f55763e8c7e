package dev.tern.webhook;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A webhook: every message published to {@code topicName} of {@code cacheName} is POSTed to {@code url}, signed with
 * {@code secret}. Named as Momento's {@code _Webhook}.
 */
public record Webhook(
        @JsonProperty("cache") String cacheName,
        @JsonProperty("name") String name,
        @JsonProperty("topic") String topicName,
        @JsonProperty("url") String url,
        @JsonProperty("secret") String secret,
        @JsonProperty("created_at") long createdAtEpochSeconds) {

    /** The key that names this webhook among all caches' webhooks. */
    public String key() {
        return key(cacheName, name);
    }

    /** {@code cache/name}: unambiguous because cache names never contain {@code /}. */
    public static String key(String cacheName, String name) {
        return cacheName + "/" + name;
    }

    public Webhook withSecret(String newSecret) {
        return new Webhook(cacheName, name, topicName, url, newSecret, createdAtEpochSeconds);
    }
}
