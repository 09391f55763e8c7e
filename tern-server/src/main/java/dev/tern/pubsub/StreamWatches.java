package dev.tern.pubsub;

import dev.tern.auth.Principal;
import dev.tern.topic.Subscription;
import dev.tern.topic.SubscriptionEnd;
import io.vertx.core.Context;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Ends whole streams of many topics (a multi-topic event stream or WebSocket) when their cache is deleted or their
 * credential expires or is revoked. Each topic a stream follows ends with its cache and credential on its own, but a
 * stream may follow none at the moment (a WebSocket that has subscribed to nothing yet, a prefix no topic matches),
 * and it must end all the same. A deletion sweeps the open streams once; nothing is checked per message.
 */
final class StreamWatches {
    private final CredentialWatch credentials;
    private final Set<Watched> open = ConcurrentHashMap.newKeySet();

    StreamWatches(CredentialWatch credentials) {
        this.credentials = credentials;
    }

    /** Watches a stream of {@code cacheName} living on {@code context}; {@code ended} runs there, at most once. */
    Subscription watch(Principal principal, String cacheName, Context context, Consumer<SubscriptionEnd> ended) {
        Watched watched = new Watched(cacheName, context, ended);
        open.add(watched);
        watched.credential = credentials.watch(principal, context, end -> watched.fire(end.subscriptionEnd()));
        return watched;
    }

    /** The cache was deleted (on this node or another): its streams end. */
    void cacheDeleted(String cacheName) {
        for (Watched watched : open) {
            if (watched.cacheName.equals(cacheName)) {
                watched.context.runOnContext(v -> watched.fire(SubscriptionEnd.CACHE_DELETED));
            }
        }
    }

    private final class Watched implements Subscription {
        private final String cacheName;
        private final Context context;
        private final Consumer<SubscriptionEnd> ended;
        private CredentialWatch.Handle credential;
        private volatile boolean done;

        Watched(String cacheName, Context context, Consumer<SubscriptionEnd> ended) {
            this.cacheName = cacheName;
            this.context = context;
            this.ended = ended;
        }

        void fire(SubscriptionEnd reason) {
            if (!done) {
                cancel();
                ended.accept(reason);
            }
        }

        @Override
        public void cancel() {
            done = true;
            open.remove(this);
            if (credential != null) {
                credential.cancel();
            }
        }
    }
}
