package dev.tern.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;

import java.util.ArrayList;

/**
 * Writes one gRPC response stream's messages, already encoded as they go on the wire (5-byte prefix and protobuf,
 * the same bytes for every subscriber of a topic on an event loop), straight to Netty's HTTP/2 codec under its flow
 * control, below Vert.x's gRPC and HTTP/2 layers. This is where a fan-out to thousands of streams spends its time.
 *
 * <p>The output is itself the stream's one entry in Netty's flow controller ({@link Http2RemoteFlowController
 * .FlowControlled}): a message written while earlier ones still wait (for the end of the burst, for the stream's or
 * the connection's window, for the socket) is added to those bytes, so a stream's waiting messages leave as one
 * DATA frame, without a promise or a queue entry per message. The first waiting message is kept as the shared
 * buffer itself; from the second, they are copied together. Nothing is written before the connection is flushed,
 * once per burst: by one task per event loop, queued behind the deliveries already waiting there.
 *
 * <p>Backpressure: when {@link #LAG_BOUND} bytes wait for a stream, its subscriber counts as lagging; the output
 * says it has drained when half of them left. Use only on the connection's event loop.
 */
final class Http2MessageOutput implements Http2RemoteFlowController.FlowControlled {
    /**
     * How much may wait for one stream, beyond what its window lets through, before its subscriber counts as lagging
     * ({@code ResumingSubscription}): the same per subscriber as an SSE or WebSocket connection's stream buffer, so
     * that a client that pauses for a moment (a collector pause, a burst it decodes slowly) is not cut off sooner on
     * gRPC than on the other transports. Streams that share a connection each have their own.
     */
    static final int LAG_BOUND = 1024 * 1024;
    private static final int GATHER_INITIAL = 1024;
    private static final Http2Flags NO_FLAGS = new Http2Flags();
    private static final AttributeKey<ConnectionFlush> FLUSH = AttributeKey.valueOf(ConnectionFlush.class.getName());
    private static final FastThreadLocal<PendingFlushes> PENDING_FLUSHES = new FastThreadLocal<>() {
        @Override
        protected PendingFlushes initialValue() {
            return new PendingFlushes();
        }
    };

    private final ChannelHandlerContext ctx;
    private final Http2ConnectionEncoder encoder;
    private final Http2RemoteFlowController flow;
    private final Http2Stream stream;
    private final Context context;
    private final ConnectionFlush connectionFlush;
    /** The flow controller's view of a message added to bytes already waiting: merged into this output. */
    private final Addition addition = new Addition();
    /** The one message waiting, as the shared buffer (not copied). */
    private ByteBuf single;
    /** Two or more messages waiting, copied together. */
    private ByteBuf gathered;
    /** Bytes waiting, as the flow controller counts them. */
    private int size;
    /** Whether this output is in the flow controller's queue for the stream. */
    private boolean queued;
    private boolean closed;
    private Runnable drained;

    private Http2MessageOutput(ChannelHandlerContext ctx, Http2ConnectionHandler handler, Http2Stream stream,
                               Context context) {
        this.ctx = ctx;
        this.encoder = handler.encoder();
        this.flow = encoder.flowController();
        this.stream = stream;
        this.context = context;
        ConnectionFlush flush = ctx.channel().attr(FLUSH).get();
        if (flush == null) {
            flush = new ConnectionFlush(ctx.channel());
            ctx.channel().attr(FLUSH).set(flush);
        }
        this.connectionFlush = flush;
    }

    /**
     * The output for this request's HTTP/2 stream, or null when its messages must go through Vert.x (gRPC-Web over
     * HTTP/1.1, or a connection not laid out as expected). Call on the request's context, once the response
     * headers are written.
     */
    static Http2MessageOutput attach(HttpServerRequest request) {
        if (request.version() != HttpVersion.HTTP_2 || !(request.connection() instanceof ConnectionBase connection)) {
            return null;
        }
        ChannelHandlerContext ctx = connection.channelHandlerContext();
        Context context = Vertx.currentContext();
        if (ctx == null || context == null || !ctx.executor().inEventLoop()
                || !(ctx.handler() instanceof Http2ConnectionHandler handler)) {
            return null;
        }
        Http2Stream stream = handler.connection().stream(request.response().streamId());
        return stream == null ? null : new Http2MessageOutput(ctx, handler, stream, context);
    }

    /** Writes one message (not retained by the caller's reference: this output takes its own). */
    void write(ByteBuf message) {
        if (closed) {
            return;
        }
        Http2Stream.State state = stream.state();
        if (state != Http2Stream.State.OPEN && state != Http2Stream.State.HALF_CLOSED_REMOTE) {
            close();
            return;
        }
        if (queued) {
            addition.message = message;
            flow.addFlowControlled(stream, addition); // merged into this output, see merge()
            addition.message = null;
        } else {
            append(message);
            queued = true;
            flow.addFlowControlled(stream, this);
        }
        connectionFlush.request(ctx.executor());
    }

    /** True when the subscriber is not keeping up and nothing more should be written for now. */
    boolean writeQueueFull() {
        return size >= LAG_BOUND;
    }

    /** Runs {@code drained} once, on the stream's context, when half of what waits has left. */
    void onDrain(Runnable drained) {
        this.drained = drained;
        if (size <= LAG_BOUND / 2) {
            fireDrained();
        }
    }

    /** The stream ended or went away: nothing more is written. What waits still leaves, before the trailers. */
    void close() {
        closed = true;
        drained = null;
    }

    private void append(ByteBuf message) {
        int length = message.readableBytes();
        if (size == 0) {
            single = message.retainedDuplicate();
        } else {
            if (gathered == null) {
                gathered = copy(single, length);
                single.release();
                single = null;
            } else if (gathered.writableBytes() < length) {
                // A new buffer rather than a larger one: frames already written may still share this one's memory.
                ByteBuf larger = copy(gathered, length);
                gathered.release();
                gathered = larger;
            }
            gathered.writeBytes(message, message.readerIndex(), length);
        }
        size += length;
    }

    private ByteBuf copy(ByteBuf waiting, int adding) {
        int needed = waiting.readableBytes() + adding;
        ByteBuf copy = ctx.alloc().directBuffer(Math.max(GATHER_INITIAL, 2 * needed));
        copy.writeBytes(waiting, waiting.readerIndex(), waiting.readableBytes());
        return copy;
    }

    @Override
    public int size() {
        return size;
    }

    /** Called by the flow controller when the stream and connection windows allow {@code allowedBytes}. */
    @Override
    public void write(ChannelHandlerContext ctx, int allowedBytes) {
        int toWrite = Math.min(allowedBytes, size);
        if (toWrite <= 0) {
            return;
        }
        ByteBuf waiting = single != null ? single : gathered;
        int maxFrame = encoder.configuration().frameSizePolicy().maxFrameSize();
        while (toWrite > 0) {
            int length = Math.min(toWrite, maxFrame);
            ByteBuf header = ctx.alloc().directBuffer(Http2CodecUtil.FRAME_HEADER_LENGTH);
            Http2CodecUtil.writeFrameHeader(header, length, Http2FrameTypes.DATA, NO_FLAGS, stream.id());
            ctx.write(header, ctx.voidPromise());
            ctx.write(waiting.readRetainedSlice(length), ctx.voidPromise());
            toWrite -= length;
            size -= length;
        }
        if (size == 0) {
            releaseWaiting();
        }
        if (drained != null && size <= LAG_BOUND / 2) {
            fireDrained();
        }
    }

    @Override
    public void writeComplete() {
        queued = false; // the flow controller took this output out of the stream's queue
    }

    /** The stream was closed or reset with bytes waiting: they are dropped (the controller has counted them). */
    @Override
    public void error(ChannelHandlerContext ctx, Throwable cause) {
        queued = false;
        closed = true;
        drained = null;
        size = 0;
        releaseWaiting();
    }

    @Override
    public boolean merge(ChannelHandlerContext ctx, Http2RemoteFlowController.FlowControlled next) {
        if (next != addition || addition.message == null) {
            return false;
        }
        append(addition.message);
        return true;
    }

    private void releaseWaiting() {
        if (single != null) {
            single.release();
            single = null;
        }
        if (gathered != null) {
            gathered.release();
            gathered = null;
        }
    }

    private void fireDrained() {
        Runnable run = drained;
        drained = null;
        context.runOnContext(v -> run.run());
    }

    /**
     * A message for a stream whose bytes already wait: only ever merged into the output (which is then the last
     * entry of the stream's queue, because nothing else writes data to the stream), never queued by itself.
     */
    private static final class Addition implements Http2RemoteFlowController.FlowControlled {
        ByteBuf message;

        @Override
        public int size() {
            return message == null ? 0 : message.readableBytes();
        }

        @Override
        public void error(ChannelHandlerContext ctx, Throwable cause) {
        }

        @Override
        public void writeComplete() {
        }

        @Override
        public void write(ChannelHandlerContext ctx, int allowedBytes) {
        }

        @Override
        public boolean merge(ChannelHandlerContext ctx, Http2RemoteFlowController.FlowControlled next) {
            return false;
        }
    }

    /** One per connection: whether a flush of it is already due on its event loop. */
    private static final class ConnectionFlush {
        final Channel channel;
        boolean pending;

        ConnectionFlush(Channel channel) {
            this.channel = channel;
        }

        void request(io.netty.util.concurrent.EventExecutor loop) {
            if (!pending) {
                pending = true;
                PENDING_FLUSHES.get().add(this, loop);
            }
        }
    }

    /**
     * Per event loop: the connections written to since its last flush task ran. A flush makes the HTTP/2 handler
     * hand the waiting bytes of every stream to the socket, under flow control, and send them in one go.
     */
    private static final class PendingFlushes implements Runnable {
        private final ArrayList<ConnectionFlush> connections = new ArrayList<>();
        private boolean scheduled;

        void add(ConnectionFlush connection, io.netty.util.concurrent.EventExecutor loop) {
            connections.add(connection);
            if (!scheduled) {
                scheduled = true;
                loop.execute(this); // behind the delivery tasks already queued
            }
        }

        @Override
        public void run() {
            scheduled = false;
            for (ConnectionFlush connection : connections) {
                connection.pending = false;
                connection.channel.flush();
            }
            connections.clear();
        }
    }
}
