package dev.tern.redis;

import dev.tern.error.TernException;
import dev.tern.pubsub.IdempotencyLedger;
import dev.tern.pubsub.IdempotentPublisher;
import dev.tern.topic.PublishReceipt;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * Idempotency keys shared by every node: the first node to {@code SET NX} a key publishes; any other node reads what
 * the key holds, and waits while the first publish is still under way. One round trip for a first publish's claim,
 * one to record its position. A failed publish deletes the claim so a retry may publish.
 */
public final class RedisIdempotencyKeys implements IdempotencyLedger {
    /** How often a repeat looks again at a key whose first publish, on another node, is still under way. */
    private static final long PENDING_POLL_MILLIS = 20;
    /** How long a repeat waits for another node's first publish before it answers 503 (retry later). */
    private static final long PENDING_PATIENCE_MILLIS = 10_000;
    /** A claim outlives a node that died while publishing for at most this long (then a repeat publishes). */
    private static final long CLAIM_MILLIS = 30_000;

    private final RedisBackend redis;

    public RedisIdempotencyKeys(RedisBackend redis) {
        this.redis = redis;
    }

    @Override
    public Future<PublishReceipt> once(String scope, String fingerprint, Duration window,
                                       Supplier<Future<PublishReceipt>> publish) {
        Context caller = Vertx.currentContext();
        String cacheName = scope.substring(0, scope.indexOf('/'));
        String key = RedisKeys.idempotencyKey(cacheName, sha256(scope));
        Promise<PublishReceipt> outcome = Promise.promise();
        claim(key, fingerprint, window, caller, publish, outcome, System.currentTimeMillis() + PENDING_PATIENCE_MILLIS);
        return outcome.future();
    }

    /** {@code SET key "P fp" NX PX window GET}: nil when this node claimed the key, else what the key holds. */
    private void claim(String key, String fingerprint, Duration window, Context caller,
                       Supplier<Future<PublishReceipt>> publish, Promise<PublishReceipt> outcome, long giveUpAt) {
        Request set = Request.cmd(Command.SET).arg(key).arg("P " + fingerprint).arg("NX")
                .arg("PX").arg(Math.min(CLAIM_MILLIS, window.toMillis())).arg("GET");
        RedisBackend.on(caller, redis.send(set)).onComplete(claimed -> {
            if (claimed.failed()) {
                outcome.fail(unavailable(claimed.cause()));
            } else if (claimed.result() == null) {
                publishFirst(key, fingerprint, window, publish, outcome);
            } else {
                String[] held = claimed.result().toString().split(" ");
                if (!held[1].equals(fingerprint)) {
                    outcome.fail(IdempotentPublisher.conflict());
                } else if (held[0].equals("D")) {
                    outcome.complete(new PublishReceipt(Long.parseLong(held[2]), Long.parseLong(held[3])));
                } else if (System.currentTimeMillis() > giveUpAt) {
                    outcome.fail(TernException.unavailable(
                            "the first publish with this idempotency key is still under way on another node; retry"));
                } else {
                    redis.vertx().setTimer(PENDING_POLL_MILLIS, id -> caller.runOnContext(
                            v -> claim(key, fingerprint, window, caller, publish, outcome, giveUpAt)));
                }
            }
        });
    }

    private void publishFirst(String key, String fingerprint, Duration window,
                              Supplier<Future<PublishReceipt>> publish, Promise<PublishReceipt> outcome) {
        Future<PublishReceipt> published;
        try {
            published = publish.get();
        } catch (RuntimeException e) {
            published = Future.failedFuture(e);
        }
        published.onComplete(result -> {
            if (result.failed()) {
                redis.send(Request.cmd(Command.DEL).arg(key));
                outcome.fail(result.cause());
                return;
            }
            PublishReceipt receipt = result.result();
            String done = "D " + fingerprint + " " + receipt.sequencePage() + " " + receipt.sequenceNumber();
            // The message is stored: answer its position even if recording it fails (repeats on other nodes then
            // answer 503 until the claim expires, and publish again after that).
            redis.send(Request.cmd(Command.SET).arg(key).arg(done).arg("XX").arg("PX").arg(window.toMillis()));
            outcome.complete(receipt);
        });
    }

    private static TernException unavailable(Throwable failure) {
        return failure instanceof TernException tern ? tern
                : TernException.unavailable("message not stored: Redis is unavailable (" + failure.getMessage() + ")");
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
