package dev.tern.cache;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tern.error.TernException;

/**
 * Per-cache topic limits, named as Momento's {@code _TopicLimits}. A rate or count of 0 means unlimited.
 *
 * @param maxPublishRate           messages per second across the cache's topics
 * @param maxSubscriptionCount     concurrent subscriptions across the cache's topics
 * @param maxPublishMessageSizeKb  largest message, in KiB
 */
public record TopicLimits(
        @JsonProperty("max_publish_rate") int maxPublishRate,
        @JsonProperty("max_subscription_count") int maxSubscriptionCount,
        @JsonProperty("max_publish_message_size_kb") int maxPublishMessageSizeKb) {

    /** The largest message any cache may allow; also the bound on a request body. */
    public static final int MAX_MESSAGE_SIZE_KB = 1024;

    public TopicLimits {
        if (maxPublishRate < 0 || maxSubscriptionCount < 0) {
            throw TernException.badRequest("max_publish_rate and max_subscription_count must be 0 (unlimited) or more");
        }
        if (maxPublishMessageSizeKb < 1 || maxPublishMessageSizeKb > MAX_MESSAGE_SIZE_KB) {
            throw TernException.badRequest("max_publish_message_size_kb must be between 1 and " + MAX_MESSAGE_SIZE_KB);
        }
    }

    public int maxMessageBytes() {
        return maxPublishMessageSizeKb * 1024;
    }
}
