package dev.tern.http.stream;

import dev.tern.auth.CredentialEnd;
import dev.tern.error.TernException;
import dev.tern.http.HttpErrors;
import dev.tern.topic.SubscriptionEnd;
import io.vertx.core.buffer.Buffer;

/**
 * What the end of a subscription tells a client, the same on every Server-Sent Events stream and WebSocket, of one
 * topic or many: a deleted cache is a 404, an expired or revoked credential a 401, a shutdown no error.
 */
final class StreamEnds {
    private StreamEnds() {
    }

    /** The error to tell the client; null for a shutdown, after which the client should simply reconnect. */
    static TernException error(SubscriptionEnd end, String cacheName) {
        return switch (end) {
            case CACHE_DELETED -> TernException.cacheNotFound(cacheName);
            case CREDENTIAL_EXPIRED, CREDENTIAL_REVOKED -> CredentialEnd.of(end).error();
            case SHUTDOWN -> null;
        };
    }

    /** An event stream's last event: {@code end} with the reason, and the status and message of an error. */
    static Buffer sseFrame(SubscriptionEnd end, String cacheName, SseFormat format) {
        String reason = switch (end) {
            case CACHE_DELETED -> "cache_deleted";
            case CREDENTIAL_EXPIRED, CREDENTIAL_REVOKED -> CredentialEnd.of(end).reason();
            case SHUTDOWN -> "shutdown";
        };
        TernException error = error(end, cacheName);
        return error == null ? SseFrames.end(reason, 0, null, format)
                : SseFrames.end(reason, HttpErrors.status(error.kind()), error.getMessage(), format);
    }
}
