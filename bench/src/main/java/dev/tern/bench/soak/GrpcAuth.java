package dev.tern.bench.soak;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

/** Plain-text gRPC channels to Tern and the {@code authorization} header carrying a token, per call. */
final class GrpcAuth {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private GrpcAuth() {
    }

    static ManagedChannel channel(String host, int port) {
        return NettyChannelBuilder.forAddress(host, port).usePlaintext().directExecutor()
                .maxInboundMessageSize(1 << 20).build();
    }

    static ClientInterceptor with(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }
}
