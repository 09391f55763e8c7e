package dev.tern.grpc;

import com.google.protobuf.MessageLite;
import dev.tern.error.TernException;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
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

    /** Hands {@code request} to the gRPC server; call handlers it runs can read it with {@link #httpRequest()}. */
    static void dispatch(GrpcServer server, HttpServerRequest request) {
        DISPATCHING.set(request);
        try {
            server.handle(request);
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
        server.callHandler(method, request -> request.last().onComplete(received -> {
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
                    request.response().end(result.result());
                } else {
                    errors.fail(request.response(), result.cause());
                }
            });
        }));
    }
}
