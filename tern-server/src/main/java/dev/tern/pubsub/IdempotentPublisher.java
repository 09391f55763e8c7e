package dev.tern.pubsub;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tern.auth.Principal;
import dev.tern.error.TernException;
import dev.tern.topic.PublishReceipt;
import dev.tern.topic.TopicKey;
import dev.tern.topic.TopicValue;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Publishes with an idempotency key: the first publish of a key is made, and every repeat within the window (with
 * the same message) answers the first one's position and publishes nothing. Repeats that arrive while the first is
 * still under way wait for it. A failed publish is forgotten, so that its retry can succeed.
 *
 * <p>A key's scope is the cache, the topic, the key and the publisher: the token's {@code token_id} when it has one
 * (so a refreshed token of the same publisher may retry), else the token itself. Permission, cache existence and
 * message size are checked before a key is looked up, so a token learns nothing of topics it may not publish to.
 */
public final class IdempotentPublisher {
    /** Most keys remembered at once on a node; beyond that the oldest are forgotten before their window ends. */
    public static final int MAX_REMEMBERED_KEYS = 100_000;
    /** Longest key accepted; keys are visible ASCII (UUIDs, hashes, request ids). */
    public static final int MAX_KEY_LENGTH = 255;

    private final TopicGateway gateway;
    private final IdempotencyLedger ledger;
    private final Duration window;
    private final Cache<String, Attempt> attempts;

    public IdempotentPublisher(TopicGateway gateway, IdempotencyLedger ledger, Duration window) {
        this.gateway = gateway;
        this.ledger = ledger;
        this.window = window;
        this.attempts = Caffeine.newBuilder().maximumSize(MAX_REMEMBERED_KEYS).expireAfterWrite(window).build();
    }

    /** The first publish with a given key, or a repeat; without a key (null) an ordinary publish. */
    public Future<PublishReceipt> publish(Principal principal, TopicKey topic, TopicValue value, String idempotencyKey) {
        if (idempotencyKey == null) {
            return gateway.publish(principal, topic, value);
        }
        requireValidKey(idempotencyKey);
        gateway.checkPublish(principal, topic, value);
        String scope = scope(principal, topic, idempotencyKey);
        String fingerprint = fingerprint(value);
        Promise<PublishReceipt> outcome = Promise.promise();
        Attempt mine = new Attempt(fingerprint, outcome.future());
        Attempt first = attempts.asMap().putIfAbsent(scope, mine);
        if (first != null) {
            return first.fingerprint.equals(fingerprint) ? onCallersContext(first.outcome) : Future.failedFuture(conflict());
        }
        Future<PublishReceipt> published;
        try {
            published = ledger.once(scope, fingerprint, window, () -> gateway.publish(principal, topic, value));
        } catch (RuntimeException e) {
            published = Future.failedFuture(e);
        }
        published.onComplete(result -> {
            if (result.failed()) {
                attempts.asMap().remove(scope, mine);
            }
            outcome.handle(result);
        });
        return outcome.future();
    }

    /**
     * A repeat that waits for a first publish made on another connection: its answer must come back on the repeat's
     * own context (its connection's event loop), not on the one that completes the first publish.
     */
    private static Future<PublishReceipt> onCallersContext(Future<PublishReceipt> outcome) {
        Context caller = Vertx.currentContext();
        if (outcome.isComplete() || caller == null) {
            return outcome;
        }
        Promise<PublishReceipt> relayed = Promise.promise();
        outcome.onComplete(result -> caller.runOnContext(v -> relayed.handle(result)));
        return relayed.future();
    }

    /** 400 unless the key is 1 to 255 visible ASCII characters. */
    public static void requireValidKey(String key) {
        boolean valid = !key.isEmpty() && key.length() <= MAX_KEY_LENGTH;
        for (int i = 0; valid && i < key.length(); i++) {
            char c = key.charAt(i);
            valid = c > 0x20 && c < 0x7f;
        }
        if (!valid) {
            throw TernException.badRequest("an idempotency key must be 1 to " + MAX_KEY_LENGTH
                    + " visible ASCII characters");
        }
    }

    public static TernException conflict() {
        return TernException.alreadyExists(
                "this idempotency key was already used for a different message on this topic");
    }

    private static String scope(Principal principal, TopicKey topic, String key) {
        String publisher = principal.tokenId() != null ? "id:" + principal.tokenId() : "token:" + principal.id();
        // '/' cannot occur in names, and the key comes last, so no two scopes are written alike.
        return topic.cacheName() + "/" + topic.topicName() + "/" + publisher.length() + ":" + publisher + "/" + key;
    }

    /** The kind and bytes of a message, hashed: a repeat must carry the same message. */
    static String fingerprint(TopicValue value) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update((byte) value.kind().ordinal());
            sha256.update(value.bytes());
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Attempt(String fingerprint, Future<PublishReceipt> outcome) {
    }
}
