package dev.tern.pubsub;

import dev.tern.topic.PublishReceipt;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Where idempotency keys are shared between nodes. Every node first joins repeats it sees itself (see
 * {@link IdempotentPublisher}); a ledger then makes sure that only one node publishes for a key.
 */
public interface IdempotencyLedger {

    /** One node: nothing to share, the local memory decides alone. */
    IdempotencyLedger LOCAL = (scope, fingerprint, window, publish) -> publish.get();

    /**
     * Publishes with {@code publish} unless another node already did for {@code scope}: then completes with that
     * publish's position, or fails with 409 when its message had another {@code fingerprint}. Called and completed
     * on the caller's context.
     */
    Future<PublishReceipt> once(String scope, String fingerprint, Duration window, Supplier<Future<PublishReceipt>> publish);
}
