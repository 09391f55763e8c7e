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

    /**
     * A prefix subscription needs a permission that covers every topic the prefix may ever match: the whole cache
     * (or every cache), or a topic prefix that the requested prefix starts with. A permission for single topics,
     * however many, does not cover a prefix.
     */
    public void authorizeTopicPrefix(Principal principal, TopicAction action, String cacheName, String prefix) {
        if (principal.superUser()) {
            return;
        }
        for (TopicPermission permission : principal.permissions()) {
            boolean cacheCovered = permission.cacheName() == null || permission.cacheName().equals(cacheName);
            TopicSelector topics = permission.topics();
            boolean prefixCovered = topics.kind() == TopicSelector.Kind.ALL
                    || (topics.kind() == TopicSelector.Kind.PREFIX && prefix.startsWith(topics.value()));
            if (permission.role().allows(action) && cacheCovered && prefixCovered) {
                return;
            }
        }
        throw TernException.forbidden("token does not permit " + action.name().toLowerCase()
                + " on every topic starting with " + prefix + " in cache " + cacheName);
    }

    /**
     * Opening a stream of many topics of a cache (which it then chooses): a permission for {@code action} on some
     * topic of that cache. Each topic is still authorized when it is followed.
     */
    public void authorizeCache(Principal principal, TopicAction action, String cacheName) {
        if (principal.superUser()) {
            return;
        }
        for (TopicPermission permission : principal.permissions()) {
            if (permission.role().allows(action)
                    && (permission.cacheName() == null || permission.cacheName().equals(cacheName))) {
                return;
            }
        }
        throw TernException.forbidden("token does not permit " + action.name().toLowerCase()
                + " on any topic of cache " + cacheName);
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
