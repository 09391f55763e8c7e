package dev.tern.grpc;

import dev.tern.topic.TopicItem;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.WireFormat;

/**
 * Encodes a published item once per event loop rather than once per subscriber: fan-out hands the same
 * {@link TopicItem} to each subscriber of a loop in turn, so remembering the last one per thread is enough.
 */
final class EncodedItems {
    private static final ThreadLocal<EncodedItems> LAST = ThreadLocal.withInitial(EncodedItems::new);

    private TopicItem item;
    private GrpcMessage message;

    private EncodedItems() {
    }

    static GrpcMessage protobuf(TopicItem item) {
        EncodedItems last = LAST.get();
        if (last.item != item) {
            last.item = item;
            last.message = GrpcMessage.message("identity", WireFormat.PROTOBUF,
                    Buffer.buffer(SubscribeCall.encode(item).toByteArray()));
        }
        return last.message;
    }
}
