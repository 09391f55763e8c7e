package dev.tern.webhook;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A webhook: every message published to {@code topicName} of {@code cacheName} is POSTed to {@code url}, signed with
 * {@code secret}. Named as Momento's {@code _Webhook}. {@code retry} is its own retry schedule, or null for the
 * server's ({@code --webhook-retry-*}).
 */
public record Webhook(
        @JsonProperty("cache") String cacheName,
        @JsonProperty("name") String name,
        @JsonProperty("topic") String topicName,
        @JsonProperty("url") String url,
        @JsonProperty("secret") String secret,
        @JsonProperty("created_at") long createdAtEpochSeconds,
        @JsonProperty("retry") @JsonInclude(JsonInclude.Include.NON_NULL) RetrySchedule retry) {

    /** A webhook on the server's retry schedule. */
    public Webhook(String cacheName, String name, String topicName, String url, String secret, long createdAtEpochSeconds) {
        this(cacheName, name, topicName, url, secret, createdAtEpochSeconds, null);
    }

    /** The key that names this webhook among all caches' webhooks. */
    @JsonIgnore
    public String key() {
        return key(cacheName, name);
    }

    /** {@code cache/name}: unambiguous because cache names never contain {@code /}. */
    public static String key(String cacheName, String name) {
        return cacheName + "/" + name;
    }

    public Webhook withSecret(String newSecret) {
        return new Webhook(cacheName, name, topicName, url, newSecret, createdAtEpochSeconds, retry);
    }

    /** Its own retry schedule, or {@code serverDefault}. */
    public RetrySchedule retryOr(RetrySchedule serverDefault) {
        return retry == null ? serverDefault : retry;
    }
}
