package dev.tern.grpc;

import dev.tern.error.ErrorKind;
import dev.tern.error.TernException;
import dev.tern.metrics.TernMetrics;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one table from Tern's errors to gRPC statuses, as the Momento SDKs read them: NOT_FOUND becomes
 * CacheNotFound, RESOURCE_EXHAUSTED is told apart by the {@code err} trailer, UNAVAILABLE makes a subscriber
 * reconnect.
 */
final class GrpcErrors {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);
    /** Trailer naming which limit was hit, as Momento sends it. */
    static final String LIMIT_TRAILER = "err";
    static final String GRPC_STATUS = "grpc-status";

    private final TernMetrics metrics;

    GrpcErrors(TernMetrics metrics) {
        this.metrics = metrics;
    }

    static GrpcStatus status(ErrorKind kind) {
        return switch (kind) {
            case BAD_REQUEST -> GrpcStatus.INVALID_ARGUMENT;
            case UNAUTHENTICATED -> GrpcStatus.UNAUTHENTICATED;
            case FORBIDDEN -> GrpcStatus.PERMISSION_DENIED;
            case NOT_FOUND -> GrpcStatus.NOT_FOUND;
            case ALREADY_EXISTS -> GrpcStatus.ALREADY_EXISTS;
            case PAYLOAD_TOO_LARGE, LIMIT_EXCEEDED -> GrpcStatus.RESOURCE_EXHAUSTED;
            case UNAVAILABLE -> GrpcStatus.UNAVAILABLE;
            case INTERNAL -> GrpcStatus.INTERNAL;
        };
    }

    /** Ends the call with the status for {@code failure}; anything not a TernException is logged as a fault. */
    void fail(GrpcServerResponse<?, ?> response, Throwable failure) {
        TernException error = reject(failure);
        try {
            error.limit().ifPresent(limit -> response.trailers().set(LIMIT_TRAILER, limit.momentoCode()));
        } catch (IllegalStateException alreadyEnded) {
            return; // see end()
        }
        end(response, status(error.kind()), error.getMessage());
    }

    /** Logs a failure that is not a TernException as a fault, counts the rejection, and says what the client is told. */
    private TernException reject(Throwable failure) {
        if (!(failure instanceof TernException)) {
            LOG.error("gRPC call failed", failure);
        }
        TernException error = TernException.from(failure);
        metrics.recordRejected(error.kind());
        return error;
    }

    /**
     * The headers Vert.x's gRPC server sends first on a call over HTTP/2 (protobuf, no compression); for calls
     * answered below it ({@link Http2PublishCalls}).
     */
    static Http2Headers answerHeaders() {
        return new DefaultHttp2Headers().status("200")
                .add("content-type", "application/grpc")
                .add("grpc-accept-encoding", "gzip");
    }

    /** The trailers of a successful call answered below Vert.x ({@link Http2PublishCalls}). */
    static Http2Headers okTrailers() {
        return new DefaultHttp2Headers().add(GRPC_STATUS, "0");
    }

    /**
     * For a call answered below Vert.x ({@link Http2PublishCalls}): the trailers-only answer {@link #fail} makes
     * Vert.x send, header for header and in its order (the status message twice: from the headers and from the
     * trailers Vert.x folds into them).
     */
    Http2Headers trailersOnly(Throwable failure) {
        TernException error = reject(failure);
        String message = GrpcStatusMessage.percentEncode(error.getMessage());
        Http2Headers headers = new DefaultHttp2Headers().status("200")
                .add("content-type", "application/grpc")
                .add(GrpcStatusMessage.HEADER, message)
                .add("grpc-accept-encoding", "gzip")
                .add(GRPC_STATUS, status(error.kind()).toString());
        error.limit().ifPresent(limit -> headers.add(LIMIT_TRAILER, limit.momentoCode()));
        return headers.add(GrpcStatusMessage.HEADER, message).add("content-length", "0");
    }

    /** Ends a call with a status and a message for the client. */
    void end(GrpcServerResponse<?, ?> response, GrpcStatus status, String message) {
        // Set here, Vert.x keeps it rather than writing its own, over-encoded, grpc-message: in the trailers, or in
        // the headers when nothing was sent yet and the answer is trailers-only.
        String encoded = GrpcStatusMessage.percentEncode(message);
        try {
            response.trailers().set(GrpcStatusMessage.HEADER, encoded);
        } catch (IllegalStateException alreadyEnded) {
            // The call already ended (e.g. Vert.x answered a malformed request itself before its end arrived): the
            // client has its answer, and there is nothing left to send.
            return;
        }
        try {
            response.headers().set(GrpcStatusMessage.HEADER, encoded);
        } catch (IllegalStateException headersAlreadySent) {
            // the trailers carry it
        }
        try {
            response.status(status).statusMessage(message).end();
        } catch (IllegalStateException alreadyEnded) {
            // the client went away or the call already ended: nothing left to tell it
        }
    }
}
