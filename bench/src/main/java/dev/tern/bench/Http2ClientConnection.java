package dev.tern.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;

/**
 * The client side of one HTTP/2 connection without TLS (prior knowledge, as gRPC clients connect to a plain-text
 * port), written and read as frames on a raw socket: what a steady-state gRPC client puts on the wire, without a
 * client library's per-call objects. This class keeps the connection's rules; subclasses run the streams.
 * Header blocks are encoded and decoded with Netty's HPACK (every block is decoded, whatever its stream, so that the
 * tables stay in step with the server's); CONTINUATION frames are joined; SETTINGS applied and acknowledged; PINGs
 * answered. Received DATA counts against the connection's receive window of {@link #RECEIVE_WINDOW} (grpc-java's
 * default) and is given back with a WINDOW_UPDATE at half of it; a subclass gives back its streams' windows with
 * {@link #windowUpdate}. Frames are collected and sent in one socket write at the end of each read or call.
 *
 * <p>Use only on the socket's event loop.
 */
abstract class Http2ClientConnection {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int FRAME_HEADER = 9;
    static final byte DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, PUSH_PROMISE = 5, PING = 6,
            GOAWAY = 7, WINDOW_UPDATE = 8, CONTINUATION = 9;
    static final int END_STREAM = 0x1, ACK = 0x1, END_HEADERS = 0x4, PADDED = 0x8, PRIORITY = 0x20;
    static final int DEFAULT_WINDOW = 65_535;
    private static final int DEFAULT_MAX_FRAME = 16_384;
    private static final int HPACK_TABLE = 4_096;
    /** This client's receive windows (connection and each stream), as grpc-java's default; replenished at half. */
    static final int RECEIVE_WINDOW = 1 << 20;
    private static final int MAX_HEADER_LIST = 8_192;
    static final int LAST_STREAM_ID = Integer.MAX_VALUE;
    /** {@link #onSendWindow}'s stream when SETTINGS changed the initial window of every open stream. */
    static final int ALL_STREAMS = -1;

    private final NetSocket socket;
    private final DefaultHttp2HeadersEncoder encoder =
            new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, false);
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(true);
    private final ByteBuf inbound = Unpooled.buffer(4_096);
    private final ByteBuf headerBlock = Unpooled.buffer(512);
    /** Frames to write, sent in one socket write by {@link #flush}. */
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

    /** Starts HTTP/2 on a freshly connected socket: preface, SETTINGS, and this client's larger connection window. */
    Http2ClientConnection(NetSocket socket) {
        this.socket = socket;
        ByteBuf start = out();
        start.writeBytes(PREFACE);
        frameHeader(start, 3 * 6, SETTINGS, 0, 0);
        start.writeShort(0x2).writeInt(0); // ENABLE_PUSH
        start.writeShort(0x4).writeInt(RECEIVE_WINDOW); // INITIAL_WINDOW_SIZE
        start.writeShort(0x6).writeInt(MAX_HEADER_LIST); // MAX_HEADER_LIST_SIZE
        windowUpdate(0, RECEIVE_WINDOW - DEFAULT_WINDOW);
        flush();
        socket.handler(this::onBytes);
        socket.closeHandler(v -> {
            closed = true;
            release();
            onClosed();
        });
    }

    // --- what a subclass does with its streams -------------------------------------------------------------------

    /** A stream's decoded header block (response headers or trailers). */
    abstract void onHeaders(int stream, Http2Headers headers, boolean endStream);

    /**
     * A DATA frame's payload (padding removed), valid only during the call; {@code flowControlled} bytes (padding
     * included) count against the stream's receive window, which the subclass gives back.
     */
    abstract void onData(int stream, ByteBuf payload, int flowControlled, boolean endStream);

    abstract void onReset(int stream, long errorCode);

    /** Streams above {@code lastStream} were not processed by the server; no new stream may start. */
    abstract void onGoAway(int lastStream, long errorCode);

    /** A send window grew (stream 0: the connection's; {@link #ALL_STREAMS}: SETTINGS changed every stream's). */
    void onSendWindow(int stream, long increment) {
    }

    /** The connection failed or closed; every open stream is over. */
    abstract void onClosed();

    // --- for the subclass ------------------------------------------------------------------------------------------

    boolean closed() {
        return closed;
    }

    boolean goingAway() {
        return goingAway;
    }

    /** Whether a new stream may start: open, not told to go away, stream ids left. */
    boolean canOpenStream() {
        return !closed && !goingAway && nextStreamId <= LAST_STREAM_ID - 2;
    }

    int peerInitialWindow() {
        return peerInitialWindow;
    }

    int peerMaxFrame() {
        return peerMaxFrame;
    }

    long connectionSendWindow() {
        return connectionSendWindow;
    }

    /** Starts a stream with these request headers (HPACK-encoded now); returns its id. */
    int openStream(Http2Headers headers) {
        int stream = nextStreamId;
        nextStreamId += 2;
        headerBlock.clear();
        try {
            encoder.encodeHeaders(stream, headers, headerBlock);
        } catch (Http2Exception e) {
            throw new IllegalStateException("cannot encode the request headers: " + e.getMessage(), e);
        }
        byte type = HEADERS;
        do {
            int length = Math.min(headerBlock.readableBytes(), peerMaxFrame);
            boolean last = length == headerBlock.readableBytes();
            ByteBuf frame = out();
            frameHeader(frame, length, type, last ? END_HEADERS : 0, stream);
            frame.writeBytes(headerBlock, length);
            type = CONTINUATION;
        } while (headerBlock.isReadable());
        return stream;
    }

    /** Writes one DATA frame of {@code length} bytes from {@code body}; the caller keeps within the send windows. */
    void writeData(int stream, ByteBuf body, int length, boolean endStream) {
        ByteBuf frame = out();
        frameHeader(frame, length, DATA, endStream ? END_STREAM : 0, stream);
        frame.writeBytes(body, length);
        connectionSendWindow -= length;
    }

    /** Gives {@code increment} bytes of received DATA back to the server (stream 0: the connection). */
    void windowUpdate(int stream, int increment) {
        ByteBuf frame = out();
        frameHeader(frame, 4, WINDOW_UPDATE, 0, stream);
        frame.writeInt(increment);
    }

    /** Ends a stream from this side with RST_STREAM CANCEL (0x8): its DATA no longer counts against it. */
    void cancelStream(int stream) {
        ByteBuf frame = out();
        frameHeader(frame, 4, RST_STREAM, 0, stream);
        frame.writeInt(0x8);
    }

    void flush() {
        if (out != null && !closed) {
            ByteBuf bytes = out;
            out = null;
            socket.write(BufferInternal.buffer(bytes));
        }
    }

    void close() {
        if (!closed) {
            socket.close();
        }
    }

    // --- reading -----------------------------------------------------------------------------------------------------

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
            System.err.println("bench: HTTP/2 protocol error: " + e);
            close();
            return;
        }
        flush();
    }

    private void onFrame(byte type, int flags, int stream, ByteBuf payload) throws Http2Exception {
        if (partialBlock != null && type != CONTINUATION) {
            throw new IllegalStateException("a frame of type " + type + " inside a header block");
        }
        switch (type) {
            case DATA -> {
                int length = payload.readableBytes();
                receivedOnConnection(length);
                int padding = (flags & PADDED) != 0 ? payload.readUnsignedByte() : 0;
                onData(stream, payload.slice(payload.readerIndex(), payload.readableBytes() - padding), length,
                        (flags & END_STREAM) != 0);
            }
            case HEADERS -> {
                int padding = (flags & PADDED) != 0 ? payload.readUnsignedByte() : 0;
                if ((flags & PRIORITY) != 0) {
                    payload.skipBytes(5);
                }
                ByteBuf block = payload.slice(payload.readerIndex(), payload.readableBytes() - padding);
                boolean endStream = (flags & END_STREAM) != 0;
                if ((flags & END_HEADERS) != 0) {
                    onHeaders(stream, decoder.decodeHeaders(stream, block), endStream);
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
                        onHeaders(stream, decoder.decodeHeaders(stream, block), partialEndStream);
                    } finally {
                        block.release();
                    }
                }
            }
            case RST_STREAM -> onReset(stream, payload.getUnsignedInt(0));
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
                onGoAway(payload.getInt(0) & 0x7fff_ffff, payload.getUnsignedInt(4));
            }
            case WINDOW_UPDATE -> {
                int increment = payload.getInt(0) & 0x7fff_ffff;
                if (stream == 0) {
                    connectionSendWindow += increment;
                }
                onSendWindow(stream, increment);
            }
            case PUSH_PROMISE -> throw new IllegalStateException("PUSH_PROMISE, though push was disabled");
            default -> {
                // PRIORITY and unknown frame types are ignored, as RFC 9113 asks
            }
        }
    }

    /** Every DATA byte counts against the connection's window, whatever its stream; given back at half. */
    private void receivedOnConnection(int length) {
        connectionReceived += length;
        if (connectionReceived >= RECEIVE_WINDOW / 2) {
            windowUpdate(0, (int) connectionReceived);
            connectionReceived = 0;
        }
    }

    private void onSettings(ByteBuf payload) throws Http2Exception {
        long windowDelta = 0;
        while (payload.readableBytes() >= 6) {
            int id = payload.readUnsignedShort();
            long value = payload.readUnsignedInt();
            switch (id) {
                case 0x1 -> encoder.maxHeaderTableSize(Math.min(value, HPACK_TABLE)); // HEADER_TABLE_SIZE
                case 0x4 -> { // INITIAL_WINDOW_SIZE: applies to open streams too
                    windowDelta += value - peerInitialWindow;
                    peerInitialWindow = (int) value;
                }
                case 0x5 -> peerMaxFrame = (int) value; // MAX_FRAME_SIZE
                case 0x6 -> encoder.maxHeaderListSize(value); // MAX_HEADER_LIST_SIZE
                default -> {
                    // ENABLE_PUSH, MAX_CONCURRENT_STREAMS and unknown settings need nothing here
                }
            }
        }
        frameHeader(out(), 0, SETTINGS, ACK, 0);
        onSendWindow(ALL_STREAMS, windowDelta);
    }

    private void release() {
        if (out != null) {
            out.release();
            out = null;
        }
        if (partialBlock != null) {
            partialBlock.release();
            partialBlock = null;
        }
    }

    private ByteBuf out() {
        if (out == null) {
            out = Unpooled.buffer(512);
        }
        return out;
    }

    private static void frameHeader(ByteBuf out, int length, byte type, int flags, int stream) {
        out.writeMedium(length).writeByte(type).writeByte(flags).writeInt(stream);
    }
}
