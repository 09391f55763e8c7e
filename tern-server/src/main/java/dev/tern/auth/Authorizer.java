package dev.tern.auth;

import dev.tern.error.TernException;
import dev.tern.topic.TopicKey;

/** The one place that decides whether a principal may do something. */
public final class Authorizer {

    public void authorizeTopic(Principal principal, TopicAction action, TopicKey topic) {
        if (principal.superUser()) {
            return;
        }
        for (TopicPermission permission : principal.permissions()) {
            if (permission.allows(action, topic.cacheName(), topic.topicName())) {
                return;
            }
        }
        throw TernException.forbidden("token does not permit " + action.name().toLowerCase()
                + " on topic " + topic.topicName() + " of cache " + topic.cacheName());
    }

    public void requireSuperUser(Principal principal) {
        if (!principal.superUser()) {
            throw TernException.forbidden("this operation requires a super-user key");
        }
    }
}
