package dev.tern.http;

import dev.tern.error.ErrorKind;
import dev.tern.error.TernException;
import dev.tern.metrics.TernMetrics;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one table from Tern's errors to HTTP statuses, and the failure handler that applies it. */
public final class HttpErrors {
    private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

    private final TernMetrics metrics;

    public HttpErrors(TernMetrics metrics) {
        this.metrics = metrics;
    }

    public static int status(ErrorKind kind) {
        return switch (kind) {
            case BAD_REQUEST -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS -> 409;
            case PAYLOAD_TOO_LARGE -> 413;
            case LIMIT_EXCEEDED -> 429;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }

    /** Failure handler for the router: Tern errors by kind, Vert.x Web's own status failures by status. */
    public void handle(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure == null || (!(failure instanceof TernException) && ctx.statusCode() >= 400 && ctx.statusCode() < 500)) {
            sendStatus(ctx.response(), ctx.statusCode() < 0 ? 500 : ctx.statusCode());
            return;
        }
        fail(ctx.request(), failure);
    }

    /** Answers a failed request: Tern errors by kind; anything else is a fault of Tern's, logged, and a 500. */
    public void fail(HttpServerRequest request, Throwable failure) {
        if (!(failure instanceof TernException)) {
            LOG.error("request {} {} failed", request.method(), request.path(), failure);
        }
        send(request.response(), TernException.from(failure));
    }

    /** Counts an error answered inside a successful answer (a batch item); logs it when it is a fault of Tern's. */
    public void count(TernException error, Throwable cause) {
        if (!(cause instanceof TernException)) {
            LOG.error("a batch item failed", cause);
        }
        metrics.recordRejected(error.kind());
    }

    public void send(HttpServerResponse response, TernException error) {
        metrics.recordRejected(error.kind());
        if (response.headWritten()) {
            response.reset();
            return;
        }
        if (error.retryAfterSeconds() > 0) {
            response.putHeader("Retry-After", Long.toString(error.retryAfterSeconds()));
        }
        response.setStatusCode(status(error.kind()))
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end(error.getMessage() + "\n");
    }

    /** Answers with a bare status, for failures that are not Tern errors (no route, wrong method, refused origin). */
    public void sendStatus(HttpServerResponse response, int status) {
        ErrorKind kind = switch (status) {
            case 400 -> ErrorKind.BAD_REQUEST;
            case 401 -> ErrorKind.UNAUTHENTICATED;
            case 403 -> ErrorKind.FORBIDDEN;
            case 404 -> ErrorKind.NOT_FOUND;
            case 413 -> ErrorKind.PAYLOAD_TOO_LARGE;
            default -> status >= 500 ? ErrorKind.INTERNAL : ErrorKind.BAD_REQUEST;
        };
        metrics.recordRejected(kind);
        if (response.headWritten()) {
            response.reset();
            return;
        }
        String message = switch (status) {
            case 403 -> "forbidden: this origin is not allowed (--cors-allowed-origins)";
            case 404 -> "no such endpoint";
            case 405 -> "method not allowed on this endpoint";
            case 413 -> "request body too large";
            default -> status >= 500 ? "internal server error" : "bad request";
        };
        response.setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(message + "\n");
    }
}
