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

    /** Reading what a cache's topics are doing: a super user, or a role over every topic of that cache. */
    public void requireCacheWideRole(Principal principal, String cacheName) {
        if (principal.superUser()) {
            return;
        }
        for (TopicPermission permission : principal.permissions()) {
            if ((permission.cacheName() == null || permission.cacheName().equals(cacheName))
                    && permission.topics().kind() == TopicSelector.Kind.ALL) {
                return;
            }
        }
        throw TernException.forbidden("reading the topics of cache " + cacheName
                + " requires a super-user key or a token with a role on all of its topics");
    }

    public void requireSuperUser(Principal principal) {
        if (!principal.superUser()) {
            throw TernException.forbidden("this operation requires a super-user key");
        }
    }
}
