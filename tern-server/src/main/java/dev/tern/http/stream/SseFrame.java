package dev.tern.http.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * One Server-Sent Events frame, encoded once and written to every stream of a topic on an event loop. It keeps the
 * frame as an HTTP/1.1 chunk in direct memory ({@link #chunk()}), so that each connection's write is one buffer
 * the socket takes as it is: no chunk header to encode and no copy from the heap per connection.
 */
final class SseFrame {
    private static final byte[] CRLF = {'\r', '\n'};

    private final byte[] bytes;
    private Buffer buffer;
    private ByteBuf chunk;

    private SseFrame(byte[] bytes) {
        this.bytes = bytes;
    }

    static SseFrame of(String frame) {
        return new SseFrame(frame.getBytes(StandardCharsets.UTF_8));
    }

    /** A frame kept for the life of the process (a heartbeat): its chunk is never released. */
    static SseFrame constant(String frame) {
        SseFrame constant = of(frame);
        constant.chunk = Unpooled.unreleasableBuffer(
                encodeChunk(constant.bytes, Unpooled.directBuffer(chunkLength(constant.bytes))).asReadOnly());
        return constant;
    }

    /** The frame for a response that Vert.x encodes (HTTP/2, or any stream not written as raw chunks). */
    Buffer buffer() {
        if (buffer == null) {
            buffer = Buffer.buffer(bytes);
        }
        return buffer;
    }

    /**
     * The frame as one HTTP/1.1 chunk ({@code <size in hex> CRLF frame CRLF}), allocated on first use; owned by this
     * frame until {@link #release()}. Writers send {@code chunk().retainedDuplicate()}.
     */
    ByteBuf chunk() {
        if (chunk == null) {
            chunk = encodeChunk(bytes, ByteBufAllocator.DEFAULT.directBuffer(chunkLength(bytes)));
        }
        return chunk;
    }

    /** Gives back the chunk's memory once the writes that still hold a duplicate of it are done. */
    void release() {
        if (chunk != null) {
            chunk.release();
            chunk = null;
        }
    }

    private static int chunkLength(byte[] frame) {
        return Integer.toHexString(frame.length).length() + 2 + frame.length + 2;
    }

    private static ByteBuf encodeChunk(byte[] frame, ByteBuf out) {
        out.writeCharSequence(Integer.toHexString(frame.length), StandardCharsets.US_ASCII);
        out.writeBytes(CRLF).writeBytes(frame).writeBytes(CRLF);
        return out;
    }
}
