package dev.tern.auth;

import dev.tern.error.TernException;

import java.util.Arrays;

/** A topic role, named as the Momento SDKs name them. */
public enum Role {
    PUBLISH_SUBSCRIBE("publishsubscribe", true, true),
    SUBSCRIBE_ONLY("subscribeonly", false, true),
    PUBLISH_ONLY("publishonly", true, false);

    private final String wireName;
    private final boolean publish;
    private final boolean subscribe;

    Role(String wireName, boolean publish, boolean subscribe) {
        this.wireName = wireName;
        this.publish = publish;
        this.subscribe = subscribe;
    }

    public String wireName() {
        return wireName;
    }

    public boolean allows(TopicAction action) {
        return action == TopicAction.PUBLISH ? publish : subscribe;
    }

    public static Role fromWireName(String name) {
        return Arrays.stream(values()).filter(r -> r.wireName.equals(name)).findFirst()
                .orElseThrow(() -> TernException.badRequest(
                        "role must be one of publishsubscribe, subscribeonly, publishonly; got " + name));
    }
}
