package dev.tern.grpc;

import dev.tern.auth.ApiKeyRequest;
import dev.tern.auth.Role;
import dev.tern.auth.TopicPermission;
import dev.tern.auth.TopicSelector;
import dev.tern.cache.ResourceNames;
import dev.tern.error.TernException;
import grpc.permission_messages.Permissions;
import grpc.permission_messages.PermissionsType;

import java.util.ArrayList;
import java.util.List;

/** Momento's {@code permission_messages.Permissions}, as disposable tokens and API keys both carry them. */
final class GrpcPermissions {

    /** Super user, or a list of topic permissions. */
    record Scope(boolean superUser, List<TopicPermission> permissions) {
    }

    private GrpcPermissions() {
    }

    /**
     * Entries accepted in one request, cache permissions included (ignored on Tern, they often come paired with
     * topic ones); the key or token request then checks its own limit on topic permissions.
     */
    private static final int MAX_ENTRIES = 2 * ApiKeyRequest.MAX_PERMISSIONS;

    /** The scope asked for; 400 when missing, malformed, or absurdly long. */
    static Scope scope(Permissions permissions) {
        switch (permissions.getKindCase()) {
            case SUPER_USER:
                return new Scope(true, List.of());
            case EXPLICIT:
                List<PermissionsType> listed = permissions.getExplicit().getPermissionsList();
                if (listed.size() > MAX_ENTRIES) {
                    // Checked before parsing, so a huge list costs nothing more than its decoding.
                    throw TernException.badRequest("at most " + ApiKeyRequest.MAX_PERMISSIONS + " permissions, got " + listed.size());
                }
                return new Scope(false, topicPermissions(listed));
            default:
                throw TernException.badRequest("permissions are required: super_user or explicit permissions");
        }
    }

    /**
     * Topic permissions map one to one. Cache-item permissions grant nothing on Tern, which has no cache data
     * plane; they are ignored when they come with topic permissions (as in the SDK's AllDataReadWrite).
     */
    private static List<TopicPermission> topicPermissions(List<PermissionsType> permissions) {
        List<TopicPermission> topics = new ArrayList<>();
        for (PermissionsType permission : permissions) {
            if (permission.hasTopicPermissions()) {
                topics.add(topicPermission(permission.getTopicPermissions()));
            }
        }
        if (topics.isEmpty()) {
            throw TernException.badRequest("Tern serves topics only: give at least one topic permission");
        }
        return topics;
    }

    private static TopicPermission topicPermission(PermissionsType.TopicPermissions permission) {
        Role role = switch (permission.getRole()) {
            case TopicReadWrite -> Role.PUBLISH_SUBSCRIBE;
            case TopicReadOnly -> Role.SUBSCRIBE_ONLY;
            case TopicWriteOnly -> Role.PUBLISH_ONLY;
            default -> throw TernException.badRequest("topic permission role must be read-write, read-only or write-only");
        };
        String cacheName = switch (permission.getCacheCase()) {
            case ALL_CACHES -> null;
            case CACHE_SELECTOR -> ResourceNames.requireCacheName(permission.getCacheSelector().getCacheName());
            default -> throw TernException.badRequest("topic permission must name a cache or all caches");
        };
        TopicSelector topics = switch (permission.getTopicCase()) {
            case ALL_TOPICS -> TopicSelector.ALL;
            case TOPIC_SELECTOR -> topicSelector(permission.getTopicSelector());
            default -> throw TernException.badRequest("topic permission must name a topic, a topic prefix or all topics");
        };
        return new TopicPermission(role, cacheName, topics);
    }

    private static TopicSelector topicSelector(PermissionsType.TopicSelector selector) {
        return switch (selector.getKindCase()) {
            case TOPIC_NAME -> TopicSelector.named(ResourceNames.requireTopicName(selector.getTopicName()));
            case TOPIC_NAME_PREFIX -> TopicSelector.prefix(ResourceNames.requireTopicName(selector.getTopicNamePrefix()));
            default -> throw TernException.badRequest("topic selector must be a topic name or a prefix");
        };
    }
}
