package dev.tern.grpc;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import io.vertx.grpc.common.GrpcHeaderNames;
import io.vertx.grpc.common.GrpcStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gRPC call's HTTP request as Vert.x's gRPC server reads it, with its body handlers guarded. Vert.x 5.0.7's message
 * deframers throw on some malformed bodies: a frame flagged compressed without a {@code grpc-encoding} header, a
 * gRPC-Web text body that is empty, not base64, or shorter than a frame header. Unguarded, the exception escapes into
 * Vert.x as an unhandled ERROR and the call is never answered. Here the call is answered 400 (gRPC-Web) or
 * INVALID_ARGUMENT (gRPC) instead, and the rest of the body is ignored.
 */
final class MalformedBodyGuard extends HttpServerRequestWrapper {
    private static final Logger LOG = LoggerFactory.getLogger(MalformedBodyGuard.class);
    static final String MESSAGE = "malformed gRPC request body: a message frame cannot be read (a frame flagged "
            + "compressed needs a grpc-encoding header; a gRPC-Web text body must be the base64 of whole frames)";

    private final boolean grpcWeb;
    private boolean failed;

    MalformedBodyGuard(HttpServerRequest request, boolean grpcWeb) {
        super((HttpServerRequestInternal) request);
        this.grpcWeb = grpcWeb;
    }

    @Override
    public HttpServerRequest handler(Handler<Buffer> handler) {
        return super.handler(handler == null ? null : chunk -> {
            if (!failed) {
                try {
                    handler.handle(chunk);
                } catch (RuntimeException malformed) {
                    reject(malformed);
                }
            }
        });
    }

    @Override
    public HttpServerRequest endHandler(Handler<Void> handler) {
        return super.endHandler(handler == null ? null : end -> {
            if (!failed) {
                try {
                    handler.handle(end);
                } catch (RuntimeException malformed) {
                    reject(malformed);
                }
            }
        });
    }

    private void reject(RuntimeException malformed) {
        failed = true;
        resume(); // drain the rest of the body into the handlers above, which now drop it
        LOG.debug("{} {}: {}", method(), path(), MESSAGE, malformed);
        HttpServerResponse response = response();
        if (response.ended() || response.closed()) {
            return; // the call was answered already (an unknown method, say): the rest of its body does not matter
        }
        if (response.headWritten()) {
            response.reset(); // a stream already under way: nothing else can be said on it
            return;
        }
        response.putHeader(GrpcHeaderNames.GRPC_STATUS, GrpcStatus.INVALID_ARGUMENT.toString())
                .putHeader(GrpcStatusMessage.HEADER, GrpcStatusMessage.percentEncode(MESSAGE));
        if (grpcWeb) {
            response.setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end(MESSAGE + "\n");
        } else {
            // gRPC clients read a trailers-only answer; an HTTP status other than 200 would hide the message
            response.putHeader(HttpHeaders.CONTENT_TYPE, "application/grpc").end();
        }
    }
}
