package dev.tern.auth;

/** A role over the topics of one cache (or of every cache, when {@code cacheName} is null). */
public record TopicPermission(Role role, String cacheName, TopicSelector topics) {

    public boolean allows(TopicAction action, String cache, String topic) {
        return role.allows(action) && (cacheName == null || cacheName.equals(cache)) && topics.matches(topic);
    }
}
