package dev.tern.grpc;

import com.google.protobuf.MessageLite;
import dev.tern.cache.TopicLimits;
import dev.tern.error.TernException;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.MessageSizeOverflowException;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;

/** What every Momento service here shares: method descriptors, the credential header, unary call plumbing. */
final class GrpcCalls {
    /** The metadata key Momento clients put their key in (the inner key of a v1 token, no "Bearer"). */
    static final String AUTHORIZATION = "authorization";

    /** The HTTP request of the gRPC call being dispatched on this thread: Vert.x's gRPC API does not expose it. */
    private static final FastThreadLocal<HttpServerRequest> DISPATCHING = new FastThreadLocal<>();

    private GrpcCalls() {
    }

    /** The largest request message read: a publish of the largest value the cache limits allow, and its fields. */
    static final long MAX_MESSAGE_BYTES = TopicLimits.MAX_MESSAGE_SIZE_KB * 1024L + 4096;

    /**
     * Hands {@code request} to the gRPC server, its body guarded against what Vert.x cannot read
     * ({@link MalformedBodyGuard}); call handlers it runs can read it with {@link #httpRequest()}.
     */
    static void dispatch(GrpcServer server, HttpServerRequest request, boolean grpcWeb) {
        DISPATCHING.set(request);
        try {
            server.handle(new MalformedBodyGuard(request, grpcWeb));
        } finally {
            DISPATCHING.set(null);
        }
    }

    /** Inside a call handler: the call's HTTP request, or null when the server did not call it synchronously. */
    static HttpServerRequest httpRequest() {
        return DISPATCHING.get();
    }

    static <Req extends MessageLite, Resp extends MessageLite> ServiceMethod<Req, Resp> method(
            ServiceName service, String name, Req requestPrototype) {
        return ServiceMethod.server(service, name, GrpcMessageEncoder.encoder(),
                GrpcMessageDecoder.decoder((com.google.protobuf.MessageOrBuilder) requestPrototype));
    }

    /**
     * Every call handler is registered through here. A request message over {@link #MAX_MESSAGE_BYTES} is answered
     * RESOURCE_EXHAUSTED naming the limit, unless the call was answered already: Vert.x's own answer would end such
     * a call a second time (an unknown method answered at once, say), which it logs as an unhandled ERROR.
     */
    static <Req, Resp> Handler<GrpcServerRequest<Req, Resp>> guarded(GrpcErrors errors,
                                                                   Handler<GrpcServerRequest<Req, Resp>> handler) {
        return request -> {
            request.invalidMessageHandler(invalid -> errors.fail(request.response(),
                    invalid instanceof MessageSizeOverflowException overflow
                            ? TernException.grpcMessageTooLarge(overflow.messageSize(), MAX_MESSAGE_BYTES)
                            : TernException.badRequest("malformed gRPC request message")));
            handler.handle(request);
        };
    }

    static String credential(GrpcServerRequest<?, ?> request) {
        return request.headers().get(AUTHORIZATION);
    }

    /** The body of a unary call; may throw a TernException or answer a failed future. */
    interface UnaryBody<Req, Resp> {
        Future<Resp> call(GrpcServerRequest<Req, Resp> request, Req message);
    }

    /** Registers a unary method whose failures, thrown or returned, go through the error table. */
    static <Req, Resp> void unary(GrpcServer server, ServiceMethod<Req, Resp> method, GrpcErrors errors,
                                  UnaryBody<Req, Resp> body) {
        server.callHandler(method, guarded(errors, request -> request.last().onComplete(received -> {
            if (received.failed()) {
                errors.fail(request.response(), TernException.badRequest("malformed or missing request message"));
                return;
            }
            Future<Resp> answer;
            try {
                answer = body.call(request, received.result());
            } catch (RuntimeException e) {
                errors.fail(request.response(), e);
                return;
            }
            answer.onComplete(result -> {
                if (result.succeeded()) {
                    try {
                        request.response().end(result.result());
                    } catch (IllegalStateException endedOrReset) {
                        // the client reset the stream, or the call was answered already: nothing left to send
                    }
                } else {
                    errors.fail(request.response(), result.cause());
                }
            });
        })));
    }
}
