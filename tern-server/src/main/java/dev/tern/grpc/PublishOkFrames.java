package dev.tern.grpc;

import grpc.common._Empty;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Headers;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The whole successful answer to a Publish call as bytes on the wire, made once: a HEADERS frame with
 * {@link GrpcErrors#answerHeaders}, a DATA frame with the 5-byte {@code _Empty} message, and a HEADERS frame with
 * {@link GrpcErrors#okTrailers} that ends the stream; only the stream id differs per call. Through
 * Netty's encoder these were three writes, each with its HPACK encoding, promises and (for the DATA frame) a turn
 * through the flow controller's queue; here they are one buffer and one write.
 *
 * <p>The header blocks hold literals without indexing only, so they never touch the
 * connection's dynamic table: Netty's encoder keeps encoding everything else on the connection against the table
 * the client holds. They must not be the first header block after the client changed its header table size
 * (Netty's encoder owes the client that signal at the start of its next block), which {@link Http2PublishCalls}
 * ensures.
 */
final class PublishOkFrames {
    private static final int FRAME_HEADER = 9;
    private static final byte HEADERS = 0x1, DATA = 0x0;
    private static final int END_STREAM = 0x1, END_HEADERS = 0x4;
    /** The DATA frame's payload: an uncompressed message of length 0 ({@code _Empty}). */
    static final int MESSAGE_LENGTH = 5;
    private static final byte[] TEMPLATE = template();
    /** Where the stream id of each of the three frames sits in {@link #TEMPLATE}. */
    private static final int[] STREAM_ID_OFFSETS = streamIdOffsets();

    private PublishOkFrames() {
    }

    /** The three frames for {@code streamId}, in a new buffer. */
    static ByteBuf forStream(ByteBufAllocator alloc, int streamId) {
        ByteBuf frames = alloc.directBuffer(TEMPLATE.length).writeBytes(TEMPLATE);
        for (int offset : STREAM_ID_OFFSETS) {
            frames.setInt(offset, streamId);
        }
        return frames;
    }

    private static byte[] template() {
        ByteBuf headers = block(GrpcErrors.answerHeaders());
        ByteBuf trailers = block(GrpcErrors.okTrailers());
        ByteBuf out = Unpooled.buffer();
        frameHeader(out, headers.readableBytes(), HEADERS, END_HEADERS);
        out.writeBytes(headers);
        frameHeader(out, MESSAGE_LENGTH, DATA, 0);
        out.writeByte(0).writeInt(_Empty.getDefaultInstance().getSerializedSize());
        frameHeader(out, trailers.readableBytes(), HEADERS, END_HEADERS | END_STREAM);
        out.writeBytes(trailers);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    private static int[] streamIdOffsets() {
        int[] offsets = new int[3];
        int frame = 0;
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = frame + 5;
            int length = ((TEMPLATE[frame] & 0xff) << 16) | ((TEMPLATE[frame + 1] & 0xff) << 8) | (TEMPLATE[frame + 2] & 0xff);
            frame += FRAME_HEADER + length;
        }
        return offsets;
    }

    private static void frameHeader(ByteBuf out, int length, byte type, int flags) {
        out.writeMedium(length).writeByte(type).writeByte(flags).writeInt(0); // stream id: set per call
    }

    /** Every header as a literal field without indexing and with a literal name (RFC 7541, 6.2.2). */
    private static ByteBuf block(Http2Headers headers) {
        ByteBuf block = Unpooled.buffer();
        for (Map.Entry<CharSequence, CharSequence> header : headers) {
            block.writeByte(0x00);
            string(block, header.getKey());
            string(block, header.getValue());
        }
        return block;
    }

    /** A string literal without Huffman coding (7-bit length prefix). */
    private static void string(ByteBuf out, CharSequence value) {
        byte[] bytes = value.toString().getBytes(StandardCharsets.US_ASCII);
        integer(out, 0x00, 7, bytes.length);
        out.writeBytes(bytes);
    }

    /** An HPACK integer with an {@code prefixBits}-bit prefix after the pattern {@code first} (RFC 7541, 5.1). */
    private static void integer(ByteBuf out, int first, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.writeByte(first | value);
            return;
        }
        out.writeByte(first | max);
        value -= max;
        while (value >= 128) {
            out.writeByte((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.writeByte(value);
    }
}
