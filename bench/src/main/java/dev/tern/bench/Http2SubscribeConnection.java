package dev.tern.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import grpc.cache_client.pubsub._SubscriptionItem;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.vertx.core.net.NetSocket;

/**
 * Momento {@code Subscribe} streams multiplexed on one HTTP/2 connection ({@link Http2ClientConnection}), each read
 * into an {@link SseSubscriber} as grpc-java's subscribers are ({@link GrpcSubscribers}): the first
 * {@code _SubscriptionItem} (the server sends a heartbeat first) marks the stream started; items' values go through
 * the subscriber's payload, order and count checks; discontinuities are counted. gRPC messages are cut from the
 * stream's DATA whatever the frame boundaries (a message across frames, several in one frame). Each stream's
 * receive window (1 MiB, grpc-java's default) is given back at half, as its DATA is decoded.
 *
 * <p>Use only on the socket's event loop.
 */
final class Http2SubscribeConnection extends Http2ClientConnection {
    /** Called once per stream: at its first item, or when it ended before one. */
    interface Started {
        void started(boolean ok, String failure);
    }

    /** gRPC's length-prefixed message: a compression flag and a 4-byte length. */
    private static final int PREFIX_LENGTH = 5;
    private static final int MAX_MESSAGE = 1 << 20;
    private static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
    private static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
    private static final AsciiString GRPC_OK = AsciiString.cached("0");

    private final Http2Headers requestHeaders;
    private final IntObjectMap<Stream> streams = new IntObjectHashMap<>();

    Http2SubscribeConnection(NetSocket socket, Http2Headers requestHeaders) {
        super(socket);
        this.requestHeaders = requestHeaders;
    }

    /**
     * Opens a stream for {@code subscriber} with this gRPC body (prefix and {@code _SubscriptionRequest}), sent whole
     * with END_STREAM: a request of a few dozen bytes per stream is far inside the server's initial windows.
     */
    void subscribe(SseSubscriber subscriber, ByteBuf body, Started started) {
        if (!canOpenStream()) {
            body.release();
            started.started(false, "connection not usable");
            return;
        }
        int id = openStream(requestHeaders);
        streams.put(id, new Stream(subscriber, started));
        writeData(id, body, body.readableBytes(), true);
        body.release();
    }

    @Override
    void onData(int id, ByteBuf payload, int flowControlled, boolean endStream) {
        Stream stream = streams.get(id);
        if (stream == null) {
            return;
        }
        try {
            stream.read(payload);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            cancelStream(id);
            end(id, "cannot decode a _SubscriptionItem: " + e);
            return;
        }
        stream.unacknowledged += flowControlled;
        if (endStream) {
            end(id, "the stream ended without trailers");
        } else if (stream.unacknowledged >= RECEIVE_WINDOW / 2) {
            windowUpdate(id, stream.unacknowledged);
            stream.unacknowledged = 0;
        }
    }

    /** Response headers need nothing; trailers end the stream (a Subscribe stream ends only on an error). */
    @Override
    void onHeaders(int id, Http2Headers headers, boolean endStream) {
        if (!endStream) {
            return;
        }
        CharSequence status = headers.get(GRPC_STATUS);
        CharSequence message = headers.get(GRPC_MESSAGE);
        end(id, status != null && GRPC_OK.contentEquals(status) ? null
                : "HTTP " + headers.status() + ", grpc-status " + status + (message == null ? "" : " (" + message + ")"));
    }

    @Override
    void onReset(int id, long errorCode) {
        end(id, "stream reset by the server, error code " + errorCode);
    }

    @Override
    void onGoAway(int lastStream, long errorCode) {
        for (int id : streams.keySet().toArray(new Integer[0])) {
            if (id > lastStream) {
                end(id, "GOAWAY from the server, error code " + errorCode);
            }
        }
    }

    @Override
    void onClosed() {
        for (int id : streams.keySet().toArray(new Integer[0])) {
            end(id, "connection closed");
        }
    }

    /** The stream is over: null failure for a clean end. */
    private void end(int id, String failure) {
        Stream stream = streams.remove(id);
        if (stream == null) {
            return;
        }
        stream.pending.release();
        stream.subscriber.failure = failure;
        stream.subscriber.ended = true;
        stream.start(false, failure == null ? "the stream ended" : failure);
    }

    /** One Subscribe stream: its subscriber and the bytes of a message not yet complete. */
    private static final class Stream {
        final SseSubscriber subscriber;
        Started started;
        final ByteBuf pending = Unpooled.buffer(256);
        /** DATA bytes decoded since the last WINDOW_UPDATE for this stream. */
        int unacknowledged;

        Stream(SseSubscriber subscriber, Started started) {
            this.subscriber = subscriber;
            this.started = started;
        }

        /** Decodes every whole message; keeps the rest for the next DATA frame. */
        void read(ByteBuf payload) throws InvalidProtocolBufferException {
            ByteBuf in = payload;
            if (pending.isReadable()) {
                pending.writeBytes(in);
                in = pending;
            }
            while (in.readableBytes() >= PREFIX_LENGTH) {
                int start = in.readerIndex();
                if (in.getByte(start) != 0) {
                    throw new IllegalStateException("a compressed message, though only identity was offered");
                }
                int length = in.getInt(start + 1);
                if (length < 0 || length > MAX_MESSAGE) {
                    throw new IllegalStateException("a message of " + length + " bytes");
                }
                if (in.readableBytes() < PREFIX_LENGTH + length) {
                    break;
                }
                in.skipBytes(PREFIX_LENGTH);
                onItem(_SubscriptionItem.parseFrom(in.readSlice(length).nioBuffer()));
            }
            if (in != pending) {
                pending.writeBytes(in);
            }
            pending.discardSomeReadBytes();
        }

        private void onItem(_SubscriptionItem item) {
            start(true, null);
            switch (item.getKindCase()) {
                case ITEM -> {
                    byte[] bytes = item.getItem().getValue().getTextBytes().toByteArray();
                    subscriber.onPayload(bytes, 0, bytes.length);
                }
                case DISCONTINUITY -> subscriber.onEvent("discontinuity", new byte[0], 0);
                default -> {
                    // heartbeats only keep the stream alive
                }
            }
        }

        void start(boolean ok, String failure) {
            if (started != null) {
                Started once = started;
                started = null;
                once.started(ok, failure);
            }
        }
    }
}
