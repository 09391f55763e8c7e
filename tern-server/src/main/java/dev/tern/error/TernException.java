package dev.tern.error;

import java.util.Optional;

/** The one error type of Tern: a kind, a message meant for the client, and for limits which one and when to retry. */
public final class TernException extends RuntimeException {
    private final ErrorKind kind;
    private final LimitKind limit;
    private final long retryAfterSeconds;

    private TernException(ErrorKind kind, String message, LimitKind limit, long retryAfterSeconds) {
        super(message, null, false, false);
        this.kind = kind;
        this.limit = limit;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static TernException badRequest(String message) {
        return new TernException(ErrorKind.BAD_REQUEST, message, null, 0);
    }

    public static TernException unauthenticated(String message) {
        return new TernException(ErrorKind.UNAUTHENTICATED, message, null, 0);
    }

    public static TernException forbidden(String message) {
        return new TernException(ErrorKind.FORBIDDEN, message, null, 0);
    }

    public static TernException cacheNotFound(String cacheName) {
        return new TernException(ErrorKind.NOT_FOUND, "Cache Not Found: " + cacheName, null, 0);
    }

    /** Something other than a cache that the request names does not exist (an API key id, a webhook). */
    public static TernException notFound(String message) {
        return new TernException(ErrorKind.NOT_FOUND, message, null, 0);
    }

    public static TernException topicNotFound(String cacheName, String topicName) {
        return new TernException(ErrorKind.NOT_FOUND, "Topic Not Found: no live topic " + topicName + " in cache " + cacheName, null, 0);
    }

    public static TernException alreadyExists(String message) {
        return new TernException(ErrorKind.ALREADY_EXISTS, message, null, 0);
    }

    public static TernException messageTooLarge(int size, int maxBytes) {
        return new TernException(ErrorKind.PAYLOAD_TOO_LARGE,
                "message of " + size + " bytes exceeds the cache's limit of " + maxBytes + " bytes",
                LimitKind.MESSAGE_SIZE, 0);
    }

    /** A gRPC request message beyond what the server reads at all, whatever the cache's limit. */
    public static TernException grpcMessageTooLarge(long size, long maxBytes) {
        return new TernException(ErrorKind.PAYLOAD_TOO_LARGE,
                "gRPC message of " + size + " bytes exceeds the server's limit of " + maxBytes + " bytes",
                LimitKind.MESSAGE_SIZE, 0);
    }

    /** A request body beyond what the server accepts at all, whatever the cache's limit. */
    public static TernException bodyTooLarge(long maxBytes) {
        return new TernException(ErrorKind.PAYLOAD_TOO_LARGE,
                "request body exceeds the server's limit of " + maxBytes + " bytes", null, 0);
    }

    /** A request that carries more items (a batch, a list of topics) than the server takes in one request. */
    public static TernException tooMany(String what, int max) {
        return new TernException(ErrorKind.PAYLOAD_TOO_LARGE,
                "more than " + max + " " + what + " in one request; at most " + max + " are accepted", null, 0);
    }

    public static TernException limitExceeded(LimitKind limit, String message, long retryAfterSeconds) {
        return new TernException(ErrorKind.LIMIT_EXCEEDED, message, limit, Math.max(1, retryAfterSeconds));
    }

    public static TernException unavailable(String message) {
        return new TernException(ErrorKind.UNAVAILABLE, message, null, 0);
    }

    public static TernException internal(String message) {
        return new TernException(ErrorKind.INTERNAL, message, null, 0);
    }

    public ErrorKind kind() {
        return kind;
    }

    public Optional<LimitKind> limit() {
        return Optional.ofNullable(limit);
    }

    /** Seconds a client should wait before retrying; 0 when the error is not a rate or count limit. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Any throwable as a TernException: ours pass through, anything else is an internal fault. */
    public static TernException from(Throwable failure) {
        if (failure instanceof TernException tern) {
            return tern;
        }
        return internal("internal server error");
    }
}
