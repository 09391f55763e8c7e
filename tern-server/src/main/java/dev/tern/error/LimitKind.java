package dev.tern.error;

/** Which limit a {@link ErrorKind#LIMIT_EXCEEDED} or {@link ErrorKind#PAYLOAD_TOO_LARGE} hit; named as Momento's {@code err} trailer values. */
public enum LimitKind {
    SUBSCRIPTIONS("topic_subscriptions_limit_exceeded"),
    PUBLISH_RATE("operations_rate_limit_exceeded"),
    MESSAGE_SIZE("request_size_limit_exceeded"),
    /** Not one of Momento's codes (Momento has no topic-count limit): SDKs report it as a generic limit. */
    TOPICS("topic_count_limit_exceeded");

    private final String momentoCode;

    LimitKind(String momentoCode) {
        this.momentoCode = momentoCode;
    }

    public String momentoCode() {
        return momentoCode;
    }
}
