package dev.tern.cache;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A cache: a namespace of topics with its limits. */
public record CacheInfo(
        @JsonProperty("name") String name,
        @JsonProperty("topic_limits") TopicLimits limits,
        @JsonProperty("created_at") long createdAtEpochSeconds) {
}
