package dev.tern.grpc;

import grpc.cache_client._PingRequest;
import grpc.cache_client._PingResponse;
import io.vertx.core.Future;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;

/** {@code cache_client.Ping}: SDKs may ping to check the connection; no credential needed. */
final class PingService {
    static final ServiceName SERVICE = ServiceName.create("cache_client", "Ping");
    static final ServiceMethod<_PingRequest, _PingResponse> PING =
            GrpcCalls.method(SERVICE, "Ping", _PingRequest.getDefaultInstance());

    private PingService() {
    }

    static void register(GrpcServer server, GrpcErrors errors) {
        GrpcCalls.unary(server, PING, errors, (request, message) -> Future.succeededFuture(_PingResponse.getDefaultInstance()));
    }
}
