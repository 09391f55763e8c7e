package dev.tern.bench;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Plain-text gRPC channels to one of Tern's ports, carrying the token as Momento's {@code authorization} header. */
final class GrpcChannels implements AutoCloseable {
    final List<ManagedChannel> channels = new ArrayList<>();
    final ClientInterceptor authorization;

    GrpcChannels(Target target, int port, int count) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), target.token());
        authorization = MetadataUtils.newAttachHeadersInterceptor(headers);
        for (int i = 0; i < count; i++) {
            channels.add(NettyChannelBuilder.forAddress(target.host(), port)
                    .usePlaintext()
                    .directExecutor() // callbacks only count and check; no blocking
                    .maxInboundMessageSize(1 << 20)
                    .build());
        }
    }

    ManagedChannel get(int index) {
        return channels.get(index % channels.size());
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel channel : channels) {
            try {
                channel.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
