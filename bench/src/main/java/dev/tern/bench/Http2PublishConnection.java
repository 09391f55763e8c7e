package dev.tern.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.util.AsciiString;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;

/**
 * One HTTP/2 connection without TLS (prior knowledge, as gRPC clients connect to a plain-text port) carrying one
 * unary gRPC call at a time, written and read as frames on a raw socket: what a steady-state gRPC client puts on the
 * wire, without a client library's per-call objects. Per call: a HEADERS frame whose block is encoded with HPACK
 * (Netty's encoder, so after the first call every header is an index into the dynamic table this connection filled),
 * then the body in DATA frames within the server's flow-control windows. The answer's header blocks are decoded
 * with HPACK (which keeps the decoder's table in step with the server's) and the call is OK only when the answer is
 * HTTP 200 with {@code grpc-status: 0}. SETTINGS are applied and acknowledged, PINGs answered, received DATA given
 * back with WINDOW_UPDATEs, GOAWAY respected (the connection is closed after the call in flight).
 *
 * <p>Use only on the socket's event loop.
 */
final class Http2PublishConnection {
    /** Called once per call, on the event loop: ok, or why not. */
    interface Answer {
        void answered(boolean ok, String failure);
    }

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int FRAME_HEADER = 9;
    private static final byte DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, PUSH_PROMISE = 5, PING = 6,
            GOAWAY = 7, WINDOW_UPDATE = 8, CONTINUATION = 9;
    private static final int END_STREAM = 0x1, ACK = 0x1, END_HEADERS = 0x4, PADDED = 0x8, PRIORITY = 0x20;
    private static final int DEFAULT_WINDOW = 65_535;
    private static final int DEFAULT_MAX_FRAME = 16_384;
    private static final int HPACK_TABLE = 4_096;
    /** This client's receive windows (connection and stream), as grpc-java's default; replenished at half. */
    private static final int RECEIVE_WINDOW = 1 << 20;
    private static final int MAX_HEADER_LIST = 8_192;
    private static final int LAST_STREAM_ID = Integer.MAX_VALUE;
    private static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
    private static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
    private static final AsciiString OK_STATUS = AsciiString.cached("200");
    private static final AsciiString GRPC_OK = AsciiString.cached("0");

    private final NetSocket socket;
    private final Http2Headers requestHeaders;
    private final DefaultHttp2HeadersEncoder encoder =
            new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, false);
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(true);
    private final ByteBuf inbound = Unpooled.buffer(4_096);
    private final ByteBuf headerBlock = Unpooled.buffer(512);
    /** Frames to write, sent in one socket write at the end of a read or a call. */
    private ByteBuf out;
    /** A header block still arriving in CONTINUATION frames, with its stream and END_STREAM flag. */
    private ByteBuf partialBlock;
    private int partialStream;
    private boolean partialEndStream;

    private int peerInitialWindow = DEFAULT_WINDOW;
    private int peerMaxFrame = DEFAULT_MAX_FRAME;
    private long connectionSendWindow = DEFAULT_WINDOW;
    private long connectionReceived;
    private int nextStreamId = 1;
    private boolean goingAway;
    private boolean closed;

    /** The call in flight: its stream (0: none), send window, body bytes not yet sent, what the answer said. */
    private int streamId;
    private long streamSendWindow;
    private long streamReceived;
    private ByteBuf pendingBody;
    private CharSequence httpStatus;
    private CharSequence grpcStatus;
    private CharSequence grpcMessage;
    private Answer answer;

    /** Starts HTTP/2 on a freshly connected socket: preface, SETTINGS, and this client's larger connection window. */
    Http2PublishConnection(NetSocket socket, Http2Headers requestHeaders) {
        this.socket = socket;
        this.requestHeaders = requestHeaders;
        ByteBuf start = out();
        start.writeBytes(PREFACE);
        frameHeader(start, 3 * 6, SETTINGS, 0, 0);
        start.writeShort(0x2).writeInt(0); // ENABLE_PUSH
        start.writeShort(0x4).writeInt(RECEIVE_WINDOW); // INITIAL_WINDOW_SIZE
        start.writeShort(0x6).writeInt(MAX_HEADER_LIST); // MAX_HEADER_LIST_SIZE
        windowUpdate(0, RECEIVE_WINDOW - DEFAULT_WINDOW);
        flush();
        socket.handler(this::onBytes);
        socket.closeHandler(v -> onClosed());
    }

    /** Whether a new call may start: open, not told to go away, stream ids left, nothing in flight. */
    boolean usable() {
        return !closed && !goingAway && streamId == 0 && nextStreamId <= LAST_STREAM_ID - 2;
    }

    /** Starts a call with this gRPC body (5-byte prefix and message); takes ownership of {@code body}. */
    void call(ByteBuf body, Answer answer) {
        if (!usable()) {
            body.release();
            answer.answered(false, "connection not usable");
            return;
        }
        streamId = nextStreamId;
        nextStreamId += 2;
        streamSendWindow = peerInitialWindow;
        streamReceived = 0;
        httpStatus = grpcStatus = grpcMessage = null;
        this.answer = answer;
        pendingBody = body;
        headerBlock.clear();
        try {
            encoder.encodeHeaders(streamId, requestHeaders, headerBlock);
        } catch (Http2Exception e) {
            fail("cannot encode the request headers: " + e.getMessage());
            return;
        }
        writeHeaderBlock(streamId, headerBlock);
        sendBody();
        flush();
    }

    void close() {
        if (!closed) {
            socket.close();
        }
    }

    private void writeHeaderBlock(int stream, ByteBuf block) {
        byte type = HEADERS;
        do {
            int length = Math.min(block.readableBytes(), peerMaxFrame);
            boolean last = length == block.readableBytes();
            ByteBuf frame = out();
            frameHeader(frame, length, type, last ? END_HEADERS : 0, stream);
            frame.writeBytes(block, length);
            type = CONTINUATION;
        } while (block.isReadable());
    }

    /** Sends as much of the call's body as the windows allow; the last DATA frame ends the stream. */
    private void sendBody() {
        while (pendingBody != null) {
            int remaining = pendingBody.readableBytes();
            int length = (int) Math.min(Math.min(remaining, peerMaxFrame),
                    Math.min(connectionSendWindow, streamSendWindow));
            if (length <= 0 && remaining > 0) {
                return; // wait for a WINDOW_UPDATE
            }
            boolean last = length == remaining;
            ByteBuf frame = out();
            frameHeader(frame, length, DATA, last ? END_STREAM : 0, streamId);
            frame.writeBytes(pendingBody, length);
            connectionSendWindow -= length;
            streamSendWindow -= length;
            if (last) {
                pendingBody.release();
                pendingBody = null;
            }
        }
    }

    private void onBytes(Buffer data) {
        ByteBuf bytes = ((BufferInternal) data).getByteBuf();
        inbound.writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
        try {
            while (!closed && inbound.readableBytes() >= FRAME_HEADER) {
                int start = inbound.readerIndex();
                int length = inbound.getUnsignedMedium(start);
                if (length > DEFAULT_MAX_FRAME) {
                    throw new IllegalStateException("a frame of " + length + " bytes, over the maximum frame size");
                }
                if (inbound.readableBytes() < FRAME_HEADER + length) {
                    break;
                }
                byte type = inbound.getByte(start + 3);
                int flags = inbound.getUnsignedByte(start + 4);
                int stream = inbound.getInt(start + 5) & 0x7fff_ffff;
                ByteBuf payload = inbound.slice(start + FRAME_HEADER, length);
                inbound.skipBytes(FRAME_HEADER + length);
                onFrame(type, flags, stream, payload);
            }
            inbound.discardSomeReadBytes();
        } catch (Http2Exception | RuntimeException e) {
            fail("HTTP/2 protocol error: " + e);
            return;
        }
        flush();
    }

    private void onFrame(byte type, int flags, int stream, ByteBuf payload) throws Http2Exception {
        if (partialBlock != null && type != CONTINUATION) {
            throw new IllegalStateException("a frame of type " + type + " inside a header block");
        }
        switch (type) {
            case DATA -> onData(flags, stream, payload.readableBytes());
            case HEADERS -> {
                int padding = 0;
                if ((flags & PADDED) != 0) {
                    padding = payload.readUnsignedByte();
                }
                if ((flags & PRIORITY) != 0) {
                    payload.skipBytes(5);
                }
                ByteBuf block = payload.slice(payload.readerIndex(), payload.readableBytes() - padding);
                boolean endStream = (flags & END_STREAM) != 0;
                if ((flags & END_HEADERS) != 0) {
                    onHeaderBlock(stream, block, endStream);
                } else {
                    partialBlock = Unpooled.buffer(block.readableBytes() * 2).writeBytes(block);
                    partialStream = stream;
                    partialEndStream = endStream;
                }
            }
            case CONTINUATION -> {
                if (partialBlock == null || stream != partialStream) {
                    throw new IllegalStateException("CONTINUATION outside a header block");
                }
                partialBlock.writeBytes(payload);
                if ((flags & END_HEADERS) != 0) {
                    ByteBuf block = partialBlock;
                    partialBlock = null;
                    try {
                        onHeaderBlock(stream, block, partialEndStream);
                    } finally {
                        block.release();
                    }
                }
            }
            case RST_STREAM -> {
                if (stream == streamId && streamId != 0) {
                    finish(false, "stream reset by the server, error code " + payload.getUnsignedInt(0));
                }
            }
            case SETTINGS -> {
                if ((flags & ACK) == 0) {
                    onSettings(payload);
                }
            }
            case PING -> {
                if ((flags & ACK) == 0) {
                    ByteBuf frame = out();
                    frameHeader(frame, 8, PING, ACK, 0);
                    frame.writeBytes(payload, 8);
                }
            }
            case GOAWAY -> {
                goingAway = true;
                int lastStream = payload.getInt(0) & 0x7fff_ffff;
                if (streamId > lastStream) {
                    finish(false, "GOAWAY from the server, error code " + payload.getUnsignedInt(4));
                }
            }
            case WINDOW_UPDATE -> {
                int increment = payload.getInt(0) & 0x7fff_ffff;
                if (stream == 0) {
                    connectionSendWindow += increment;
                } else if (stream == streamId) {
                    streamSendWindow += increment;
                }
                sendBody();
            }
            case PUSH_PROMISE -> throw new IllegalStateException("PUSH_PROMISE, though push was disabled");
            default -> {
                // PRIORITY and unknown frame types are ignored, as RFC 9113 asks
            }
        }
    }

    /** Received DATA counts against both receive windows, whatever it holds; given back at half the window. */
    private void onData(int flags, int stream, int length) {
        connectionReceived += length;
        if (connectionReceived >= RECEIVE_WINDOW / 2) {
            windowUpdate(0, (int) connectionReceived);
            connectionReceived = 0;
        }
        if (stream != streamId || streamId == 0) {
            return;
        }
        boolean endStream = (flags & END_STREAM) != 0;
        streamReceived += length;
        if (!endStream && streamReceived >= RECEIVE_WINDOW / 2) {
            windowUpdate(stream, (int) streamReceived);
            streamReceived = 0;
        }
        if (endStream) {
            finish(false, "the answer ended without trailers");
        }
    }

    /** Every header block is decoded, even one for another stream, so that the HPACK tables stay in step. */
    private void onHeaderBlock(int stream, ByteBuf block, boolean endStream) throws Http2Exception {
        Http2Headers headers = decoder.decodeHeaders(stream, block);
        if (stream != streamId || streamId == 0) {
            return;
        }
        if (httpStatus == null) {
            httpStatus = headers.status();
        }
        CharSequence status = headers.get(GRPC_STATUS);
        if (status != null) {
            grpcStatus = status;
            grpcMessage = headers.get(GRPC_MESSAGE);
        }
        if (endStream) {
            boolean ok = OK_STATUS.contentEquals(httpStatus) && grpcStatus != null && GRPC_OK.contentEquals(grpcStatus);
            finish(ok, ok ? null : "HTTP " + httpStatus + ", grpc-status " + grpcStatus
                    + (grpcMessage == null ? "" : " (" + grpcMessage + ")"));
        }
    }

    private void onSettings(ByteBuf payload) throws Http2Exception {
        while (payload.readableBytes() >= 6) {
            int id = payload.readUnsignedShort();
            long value = payload.readUnsignedInt();
            switch (id) {
                case 0x1 -> encoder.maxHeaderTableSize(Math.min(value, HPACK_TABLE)); // HEADER_TABLE_SIZE
                case 0x4 -> { // INITIAL_WINDOW_SIZE: applies to open streams too
                    if (streamId != 0) {
                        streamSendWindow += value - peerInitialWindow;
                    }
                    peerInitialWindow = (int) value;
                }
                case 0x5 -> peerMaxFrame = (int) value; // MAX_FRAME_SIZE
                case 0x6 -> encoder.maxHeaderListSize(value); // MAX_HEADER_LIST_SIZE
                default -> {
                    // ENABLE_PUSH, MAX_CONCURRENT_STREAMS (one call at a time) and unknown settings need nothing
                }
            }
        }
        frameHeader(out(), 0, SETTINGS, ACK, 0);
        sendBody();
    }

    private void finish(boolean ok, String failure) {
        Answer done = answer;
        answer = null;
        streamId = 0;
        if (pendingBody != null) {
            pendingBody.release();
            pendingBody = null;
        }
        if (goingAway) {
            flush();
            close();
        }
        if (done != null) {
            done.answered(ok, failure);
        }
    }

    private void fail(String failure) {
        close();
        closed = true;
        finish(false, failure);
    }

    private void onClosed() {
        closed = true;
        if (out != null) {
            out.release();
            out = null;
        }
        if (partialBlock != null) {
            partialBlock.release();
            partialBlock = null;
        }
        if (streamId != 0) {
            finish(false, "connection closed before the answer");
        }
    }

    private void windowUpdate(int stream, int increment) {
        ByteBuf frame = out();
        frameHeader(frame, 4, WINDOW_UPDATE, 0, stream);
        frame.writeInt(increment);
    }

    private ByteBuf out() {
        if (out == null) {
            out = Unpooled.buffer(512);
        }
        return out;
    }

    private void flush() {
        if (out != null && !closed) {
            ByteBuf bytes = out;
            out = null;
            socket.write(BufferInternal.buffer(bytes));
        }
    }

    private static void frameHeader(ByteBuf out, int length, byte type, int flags, int stream) {
        out.writeMedium(length).writeByte(type).writeByte(flags).writeInt(stream);
    }
}
