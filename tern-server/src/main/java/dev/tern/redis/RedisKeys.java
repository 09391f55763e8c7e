package dev.tern.redis;

import dev.tern.topic.TopicKey;

/**
 * Every Redis key and channel name Tern uses, in one place (docs/redis.md lists them for operators).
 * A topic's keys and channel share the hash tag {@code {cache/topic}} so that they live in one slot of a Redis
 * Cluster and one script can touch them all. The separator is {@code /} because names may contain {@code :} but
 * never {@code /}, so no two topics share a tag.
 */
final class RedisKeys {
    static final String PREFIX = "tern:";
    /** Hash: cache name to the cache's JSON (name, limits, creation time). */
    static final String CACHES = PREFIX + "caches";
    /** String: the base64 secret that signs every token. */
    static final String SIGNING_SECRET = PREFIX + "signing-secret";
    /** Channel: cache created/deleted announcements between nodes. */
    static final String CONTROL_CHANNEL = PREFIX + "control";
    /** Hash: kid to a rotated-in signing key ({@code {"secret", "retired_until"}}); {@code k0} is SIGNING_SECRET. */
    static final String SIGNING_KEYS = PREFIX + "signing-keys";
    /** String: the kid that signs now (absent: {@code k0}). */
    static final String SIGNING_CURRENT = PREFIX + "signing-current";
    /** Channel: "the signing key was rotated" announcements. */
    static final String SIGNING_ROTATIONS_CHANNEL = PREFIX + "signing-rotations";
    /** Hash: API key id to the key's record (JSON: description, scope, created, expires). */
    static final String API_KEYS = PREFIX + "api-keys";
    /** Hash: API key id to the SHA-256 of its unused refresh token. */
    static final String API_KEY_REFRESH = PREFIX + "api-key-refresh";
    /** Hash: revocation entries ({@code key:<id>}, {@code token_id:<token_id>}), see RevocationList. */
    static final String REVOKED = PREFIX + "revoked";
    /** String: incremented on every revocation, so nodes polling it notice one they missed on the channel. */
    static final String REVOKED_VERSION = PREFIX + "revoked:version";
    /** Channel: "a revocation happened" announcements between nodes. */
    static final String REVOCATIONS_CHANNEL = PREFIX + "revocations";

    /** Hash: webhook key ({@code cache/name}) to the webhook's JSON. The webhook keys share one slot ({webhooks}). */
    static final String WEBHOOKS = PREFIX + "{webhooks}:defs";
    /** Hash: webhook key to its delivery cursor, {@code page:seq}. */
    static final String WEBHOOK_CURSORS = PREFIX + "{webhooks}:cursors";
    /** Hash: webhook key to the fencing token of its latest lease. */
    static final String WEBHOOK_FENCES = PREFIX + "{webhooks}:fences";
    /** Prefix of the string (node id, with a time to live) that says which node delivers a webhook. */
    static final String WEBHOOK_LEASE_PREFIX = PREFIX + "{webhooks}:lease:";

    private RedisKeys() {
    }

    static String tag(TopicKey topic) {
        return "{" + topic.cacheName() + "/" + topic.topicName() + "}";
    }

    /** Hash: {@code page} and {@code seq} (the last sequence number assigned). */
    static String meta(TopicKey topic) {
        return PREFIX + "topic:" + tag(topic) + ":meta";
    }

    /** Stream: the retained messages, entry id {@code <seq>-0}, fields {@code k} kind, {@code p} publisher, {@code v} value. */
    static String stream(TopicKey topic) {
        return PREFIX + "topic:" + tag(topic) + ":stream";
    }

    /** Channel: every message published to the topic, for the nodes that have subscribers to it. */
    static String channel(TopicKey topic) {
        return PREFIX + "live:" + tag(topic);
    }

    /**
     * Sorted set: the topics of a cache with a {@code max_topic_count} that were published to within the topics' time
     * to live, each scored by when that ends (epoch ms). Its tag {@code {cache/}} (no topic name is empty) is a slot of
     * its own, and the key matches {@link #cacheTopicsPattern}, so deleting the cache deletes it too.
     */
    static String countedTopics(String cacheName) {
        return PREFIX + "topic:{" + cacheName + "/}:counted";
    }

    /** Pattern matching every topic key of a cache (used to forget a deleted cache's topics). */
    static String cacheTopicsPattern(String cacheName) {
        return PREFIX + "topic:{" + cacheName + "/*";
    }

    /** Pattern matching the meta hash of every topic of a cache (a node following a prefix lists them). */
    static String cacheTopicMetaPattern(String cacheName) {
        return PREFIX + "topic:{" + cacheName + "/*}:meta";
    }

    /**
     * Channel: the name of each topic of the cache as it is created (given a new page), for the nodes that follow a
     * prefix of the cache. Names never contain glob characters, so the patterns above need no escaping.
     */
    static String topicsChannel(String cacheName) {
        return PREFIX + "topics:{" + cacheName + "}";
    }

    /** Sorted set: live node ids, scored by when each last shared its subscription counts (epoch ms). */
    static final String NODES = PREFIX + "nodes";

    /** Hash with a time to live: cache name to this node's live subscription count for it. */
    static String nodeSubscriptions(String nodeId) {
        return PREFIX + "node:" + nodeId + ":subscriptions";
    }

    /**
     * String with a time to live (the idempotency window): {@code P <fingerprint>} while the first publish with an
     * idempotency key is under way, {@code D <fingerprint> <page> <sequence>} once it is stored. {@code scopeDigest}
     * is the SHA-256 of the key's scope (topic, publisher, key).
     */
    static String idempotencyKey(String cacheName, String scopeDigest) {
        return PREFIX + "idem:{" + cacheName + "}:" + scopeDigest;
    }

    /** Hash: node id to that node's live figures of the cache's topics (see SharedTopicFigures). */
    static String topicFigures(String cacheName) {
        return PREFIX + "topics:{" + cacheName + "}:figures";
    }

    /** Sorted set: node id to when Redis last heard that node's figures of the cache's topics (Redis's clock, ms). */
    static String topicFigureNodes(String cacheName) {
        return PREFIX + "topics:{" + cacheName + "}:nodes";
    }

    /** Hash: the cache's cluster-wide publish-rate bucket ({@code tokens}, {@code at}). */
    static String publishRate(String cacheName) {
        return PREFIX + "rate:{" + cacheName + "}";
    }
}
