package dev.tern.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tern.cache.ResourceNames;
import dev.tern.error.TernException;

/**
 * The JSON form of a topic permission, shared by the token API and the token's own claims:
 * {@code {"role": "publishsubscribe", "cache": "<name>"|"*", "topic": "<name>"|"*"|{"prefix": "<p>"}}}.
 */
public final class PermissionJson {
    private static final String ALL = "*";

    private PermissionJson() {
    }

    public static TopicPermission parse(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw TernException.badRequest("each permission must be an object with role, cache and topic");
        }
        JsonNode role = node.get("role");
        if (role == null || !role.isTextual()) {
            throw TernException.badRequest("permission.role is required");
        }
        JsonNode cache = node.get("cache");
        if (cache == null || !cache.isTextual()) {
            throw TernException.badRequest("permission.cache is required: a cache name or \"*\"");
        }
        String cacheName = ALL.equals(cache.asText()) ? null : ResourceNames.requireCacheName(cache.asText());
        return new TopicPermission(Role.fromWireName(role.asText()), cacheName, parseTopics(node.get("topic")));
    }

    private static TopicSelector parseTopics(JsonNode topic) {
        if (topic == null || topic.isNull()) {
            throw TernException.badRequest("permission.topic is required: a topic name, \"*\" or {\"prefix\": \"...\"}");
        }
        if (topic.isTextual()) {
            return ALL.equals(topic.asText()) ? TopicSelector.ALL
                    : TopicSelector.named(ResourceNames.requireTopicName(topic.asText()));
        }
        JsonNode prefix = topic.get("prefix");
        if (topic.isObject() && topic.size() == 1 && prefix != null && prefix.isTextual()) {
            return TopicSelector.prefix(ResourceNames.requireTopicName(prefix.asText()));
        }
        throw TernException.badRequest("permission.topic must be a topic name, \"*\" or {\"prefix\": \"...\"}");
    }

    public static ObjectNode write(TopicPermission permission) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("role", permission.role().wireName());
        node.put("cache", permission.cacheName() == null ? ALL : permission.cacheName());
        TopicSelector topics = permission.topics();
        switch (topics.kind()) {
            case ALL -> node.put("topic", ALL);
            case NAME -> node.put("topic", topics.value());
            case PREFIX -> node.putObject("topic").put("prefix", topics.value());
        }
        return node;
    }
}
