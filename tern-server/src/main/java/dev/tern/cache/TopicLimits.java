package dev.tern.cache;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tern.error.TernException;

/**
 * Per-cache topic limits, named as Momento's {@code _TopicLimits} (plus {@code max_topic_count}, which Momento does
 * not have). A rate or count of 0 means unlimited.
 *
 * @param maxPublishRate           messages per second across the cache's topics
 * @param maxSubscriptionCount     concurrent subscriptions across the cache's topics
 * @param maxPublishMessageSizeKb  largest message, in KiB
 * @param maxTopicCount            topics the cache holds at once
 */
public record TopicLimits(
        @JsonProperty("max_publish_rate") int maxPublishRate,
        @JsonProperty("max_subscription_count") int maxSubscriptionCount,
        @JsonProperty("max_publish_message_size_kb") int maxPublishMessageSizeKb,
        @JsonProperty("max_topic_count") int maxTopicCount) {

    /** The largest message any cache may allow; also the bound on a request body. */
    public static final int MAX_MESSAGE_SIZE_KB = 1024;

    @JsonCreator
    public TopicLimits {
        if (maxPublishRate < 0 || maxSubscriptionCount < 0 || maxTopicCount < 0) {
            throw TernException.badRequest(
                    "max_publish_rate, max_subscription_count and max_topic_count must be 0 (unlimited) or more");
        }
        if (maxPublishMessageSizeKb < 1 || maxPublishMessageSizeKb > MAX_MESSAGE_SIZE_KB) {
            throw TernException.badRequest("max_publish_message_size_kb must be between 1 and " + MAX_MESSAGE_SIZE_KB);
        }
    }

    /** Limits without a topic-count bound. */
    public TopicLimits(int maxPublishRate, int maxSubscriptionCount, int maxPublishMessageSizeKb) {
        this(maxPublishRate, maxSubscriptionCount, maxPublishMessageSizeKb, 0);
    }

    public int maxMessageBytes() {
        return maxPublishMessageSizeKb * 1024;
    }
}
