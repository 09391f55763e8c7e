package dev.tern.pubsub;

import dev.tern.auth.CredentialEnd;
import dev.tern.auth.Principal;
import dev.tern.auth.RevocationList;
import dev.tern.auth.TokenVerifier;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Ends open subscriptions when their credential does. An expiring credential gets one timer, set for the second it
 * expires, on the subscription's own event loop; a revocation (here or, through the shared list, on another node)
 * sweeps the open subscriptions once. Nothing is checked per message.
 */
public final class CredentialWatch {
    private final TokenVerifier verifier;
    private final Set<Watched> open = ConcurrentHashMap.newKeySet();

    public CredentialWatch(TokenVerifier verifier, RevocationList revocations) {
        this.verifier = verifier;
        revocations.onChange(this::sweep);
    }

    /** A watched subscription; cancel it when the subscription ends for any other reason. */
    public interface Handle {
        void cancel();
    }

    /**
     * Watches {@code principal} for a subscription living on {@code context} (the caller's); {@code end} runs there,
     * at most once.
     */
    public Handle watch(Principal principal, Context context, Consumer<CredentialEnd> end) {
        Watched watched = new Watched(principal, context, end);
        open.add(watched);
        if (principal.expires() && context != null) {
            long delay = Math.max(1, principal.expiresAtEpochSecs() * 1000 - System.currentTimeMillis());
            Vertx owner = context.owner();
            watched.timer = owner.setTimer(delay, id -> watched.fire(CredentialEnd.EXPIRED));
        }
        return watched;
    }

    /** Checks every open subscription's credential (after the revocation list changed). */
    private void sweep() {
        for (Watched watched : open) {
            CredentialEnd end = verifier.endOf(watched.principal);
            if (end != null) {
                if (watched.context == null) {
                    watched.fire(end);
                } else {
                    watched.context.runOnContext(v -> watched.fire(end));
                }
            }
        }
    }

    private final class Watched implements Handle {
        private final Principal principal;
        private final Context context;
        private final Consumer<CredentialEnd> end;
        private long timer = -1;
        private volatile boolean done;

        Watched(Principal principal, Context context, Consumer<CredentialEnd> end) {
            this.principal = principal;
            this.context = context;
            this.end = end;
        }

        void fire(CredentialEnd reason) {
            if (!done) {
                cancel();
                end.accept(reason);
            }
        }

        @Override
        public void cancel() {
            done = true;
            open.remove(this);
            if (timer >= 0 && context != null) {
                context.owner().cancelTimer(timer);
            }
        }
    }
}
