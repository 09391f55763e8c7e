package dev.tern.grpc;

import com.google.protobuf.MessageLite;
import dev.tern.topic.TopicItem;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.WireFormat;

/**
 * Encodes a published item once per event loop rather than once per subscriber: fan-out hands the same
 * {@link TopicItem} to each subscriber of a loop in turn, so remembering the last one per thread is enough.
 */
final class EncodedItems {
    /** A gRPC message on the wire: a compression flag (0, identity) and the length, before the protobuf bytes. */
    private static final int PREFIX_LENGTH = 5;
    private static final FastThreadLocal<EncodedItems> LAST = new FastThreadLocal<>() {
        @Override
        protected EncodedItems initialValue() {
            return new EncodedItems();
        }
    };
    private static final ByteBuf HEARTBEAT = Unpooled.unreleasableBuffer(
            wire(SubscribeCall.HEARTBEAT, Unpooled.directBuffer(PREFIX_LENGTH + SubscribeCall.HEARTBEAT.getSerializedSize()))
                    .asReadOnly());

    private TopicItem item;
    private GrpcMessage message;
    private TopicItem wireItem;
    private ByteBuf wire;

    private EncodedItems() {
    }

    /** The item as a message for Vert.x's gRPC response to frame (gRPC-Web over HTTP/1.1). */
    static GrpcMessage protobuf(TopicItem item) {
        EncodedItems last = LAST.get();
        if (last.item != item) {
            last.item = item;
            last.message = GrpcMessage.message("identity", WireFormat.PROTOBUF,
                    Buffer.buffer(SubscribeCall.encode(item).toByteArray()));
        }
        return last.message;
    }

    /**
     * The item as the exact bytes of a gRPC message on an HTTP/2 stream, in direct memory, owned by this cache until
     * the next item replaces it: writers take their own reference ({@code retainedDuplicate}).
     */
    static ByteBuf wire(TopicItem item) {
        EncodedItems last = LAST.get();
        if (last.wireItem != item) {
            ByteBuf encoded = wire(SubscribeCall.encode(item));
            if (last.wire != null) {
                last.wire.release();
            }
            last.wire = encoded;
            last.wireItem = item;
        }
        return last.wire;
    }

    /** The heartbeat's bytes on the wire; never released. */
    static ByteBuf heartbeat() {
        return HEARTBEAT;
    }

    /** Any message's bytes on the wire, in a fresh buffer the caller releases. */
    static ByteBuf wire(MessageLite message) {
        return wire(message, ByteBufAllocator.DEFAULT.directBuffer(PREFIX_LENGTH + message.getSerializedSize()));
    }

    private static ByteBuf wire(MessageLite message, ByteBuf out) {
        byte[] bytes = message.toByteArray();
        out.writeByte(0).writeInt(bytes.length).writeBytes(bytes);
        return out;
    }
}
