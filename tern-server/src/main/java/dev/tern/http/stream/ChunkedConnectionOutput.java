package dev.tern.http.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;

import java.util.ArrayList;

/**
 * Writes an event stream as ready-made bytes straight into the connection's Netty pipeline: SSE frames as HTTP/1.1
 * chunks below the HTTP encoder, or WebSocket text frames below the WebSocket frame encoder
 * ({@link #attachWebSocket}). For SSE: an event stream on an HTTP/1.1 connection as ready-made chunks, straight into the connection's Netty
 * pipeline below the HTTP encoder. The response head and the stream's first and last frames go through Vert.x as
 * usual; the frames in between are the same bytes for every subscriber of a topic ({@link SseFrame#chunk()}), so a
 * delivery is one buffer handed to the socket instead of an HTTP message encoded per connection. This is where a
 * fan-out to thousands of streams spends its time.
 *
 * <p>The first frame of a burst is flushed at once, the rest of the burst together ({@link PendingFlushes}); when
 * the event loop is behind, the whole burst together. While a connection still has bytes on their way out, further
 * frames are copied into one buffer ({@link #backlogged}), so a write carries many frames as one buffer.
 * Backpressure follows the channel's own write buffer, flushed or not: full above {@link #STREAM_BUFFER}'s
 * high-water mark, drained when the channel is writable again.
 */
final class ChunkedConnectionOutput implements SseOutput {
    /** The name Vert.x gives its HTTP/1.x response encoder in the pipeline; writes start just below it. */
    private static final String HTTP_ENCODER = "httpEncoder";
    /** The name Netty's WebSocket handshake gives the frame encoder; WebSocket frames are written just below it. */
    private static final String WEBSOCKET_ENCODER = "wsencoder";
    /** Vert.x's content compressor: with it, frames must go through the encoder path to be compressed. */
    private static final String COMPRESSOR = "deflater";

    /**
     * How much a stream may have waiting in the server for a client that reads slowly before it counts as lagging
     * ({@code ResumingSubscription}): room for a few thousand typical frames, so that a client that stalls for a
     * moment under a burst is not cut off, and a bounded amount of memory for one that has stopped.
     */
    private static final WriteBufferWaterMark STREAM_BUFFER = new WriteBufferWaterMark(512 * 1024, 1024 * 1024);

    /** Per event loop: the outputs written to since its last flush task ran. */
    private static final FastThreadLocal<PendingFlushes> PENDING_FLUSHES = new FastThreadLocal<>() {
        @Override
        protected PendingFlushes initialValue() {
            return new PendingFlushes();
        }
    };

    /**
     * A gather buffer starts small, because between two flushes a connection that is just behind collects a few
     * frames, and grows up to {@link #GATHER_MAX} for one that is far behind. Starting every buffer at its largest
     * size made the allocator hand out (and zero) fresh memory at the rate of the fan-out.
     */
    private static final int GATHER_INITIAL = 1024;
    private static final int GATHER_MAX = 16 * 1024;

    private final ChannelHandlerContext belowEncoder;
    /** The encoder writes start below: the HTTP/1.1 encoder (SSE) or the WebSocket frame encoder. */
    private final String encoderName;
    /** Frames copied together while the connection is backlogged, not yet handed to the pipeline. */
    private ByteBuf gathered;
    private final Context context;
    private WritabilityWatch watch;
    private boolean flushPending;

    private ChunkedConnectionOutput(ChannelHandlerContext belowEncoder, String encoderName, Context context) {
        this.belowEncoder = belowEncoder;
        this.encoderName = encoderName;
        this.context = context;
    }

    /** The output for this request's connection, or null when its frames must go through the Vert.x response. */
    static ChunkedConnectionOutput attach(HttpServerRequest request) {
        if (request.version() != HttpVersion.HTTP_1_1 || !request.response().isChunked()
                || !(request.connection() instanceof ConnectionBase connection)) {
            return null;
        }
        ChannelPipeline pipeline = connection.channelHandlerContext().pipeline();
        ChannelHandlerContext encoder = pipeline.context(HTTP_ENCODER);
        Context context = Vertx.currentContext();
        if (encoder == null || pipeline.get(COMPRESSOR) != null || context == null) {
            return null;
        }
        encoder.channel().config().setWriteBufferWaterMark(STREAM_BUFFER);
        return new ChunkedConnectionOutput(encoder, HTTP_ENCODER, context);
    }

    /**
     * The output for a WebSocket upgraded from this request, writing ready-made frames below the WebSocket frame
     * encoder; null when frames must go through Vert.x (a compression extension was negotiated, or the pipeline is
     * not laid out as expected). Call on the socket's context, after the upgrade.
     */
    static ChunkedConnectionOutput attachWebSocket(HttpServerRequest request) {
        if (!(request.connection() instanceof ConnectionBase connection)) {
            return null;
        }
        ChannelPipeline pipeline = connection.channelHandlerContext().pipeline();
        ChannelHandlerContext encoder = pipeline.context(WEBSOCKET_ENCODER);
        Context context = Vertx.currentContext();
        if (encoder == null || context == null || !encoder.executor().inEventLoop()
                || pipeline.get(WebSocketExtensionEncoder.class) != null) {
            return null;
        }
        encoder.channel().config().setWriteBufferWaterMark(STREAM_BUFFER);
        return new ChunkedConnectionOutput(encoder, WEBSOCKET_ENCODER, context);
    }

    @Override
    public void write(SseFrame frame) {
        write(frame.chunk());
    }

    /**
     * Writes bytes that are already what goes on the wire, shared between connections: this output takes its own
     * reference.
     */
    void write(ByteBuf wire) {
        if (backlogged()) {
            gather(wire);
        } else {
            writeGathered();
            ByteBuf chunk = wire.retainedDuplicate();
            if (flushPending || PENDING_FLUSHES.get().behind(belowEncoder.executor())) {
                belowEncoder.write(chunk, belowEncoder.voidPromise()); // leaves with the rest of this burst
            } else {
                // The first frame of a burst leaves at once (a lone message is not delayed); what follows it on this
                // turn of the event loop is flushed together, once.
                belowEncoder.writeAndFlush(chunk, belowEncoder.voidPromise());
            }
        }
        if (!flushPending) {
            flushPending = true;
            PENDING_FLUSHES.get().add(this, belowEncoder.executor());
        }
    }

    /**
     * Whether this connection still has bytes waiting to go out: an earlier write has not completed, or its reader
     * is behind. Then frames are copied together into one buffer instead of queued one by one, because each queued
     * buffer costs objects and a step in every socket write and in every write's completion, and a long queue of
     * them made the server slower exactly when its readers lag.
     */
    private boolean backlogged() {
        ChannelOutboundBuffer pending = belowEncoder.channel().unsafe().outboundBuffer();
        return pending != null && pending.totalPendingWriteBytes() > 0;
    }

    private void gather(ByteBuf chunk) {
        int length = chunk.readableBytes();
        if (gathered != null && gathered.maxWritableBytes() < length) {
            writeGathered();
        }
        if (gathered == null) {
            gathered = belowEncoder.alloc()
                    .directBuffer(Math.max(GATHER_INITIAL, length), Math.max(GATHER_MAX, length));
        }
        gathered.writeBytes(chunk, chunk.readerIndex(), length);
    }

    /** Hands the frames gathered so far to the pipeline (unflushed), before anything written after them. */
    private void writeGathered() {
        if (gathered != null) {
            ByteBuf out = gathered;
            gathered = null;
            belowEncoder.write(out, belowEncoder.voidPromise());
        }
    }

    @Override
    public boolean writeQueueFull() {
        return !belowEncoder.channel().isWritable();
    }

    @Override
    public void onDrain(Runnable drained) {
        if (watch == null) {
            watch = new WritabilityWatch();
            belowEncoder.pipeline().addAfter(encoderName, null, watch);
        }
        watch.pending = drained;
        if (belowEncoder.channel().isWritable()) {
            watch.fire(); // it drained between the check and now
        }
    }

    /** Writes out what was gathered; the stream's last frame, written through Vert.x, must come after it. */
    @Override
    public void close() {
        writeGathered();
        if (watch != null && belowEncoder.pipeline().context(watch) != null) {
            belowEncoder.pipeline().remove(watch);
        }
        watch = null;
    }

    /**
     * Flushes every output written to while the tasks already queued on the event loop ran: a burst of messages
     * for one connection leaves in two system calls (its first frame, then the rest) instead of one each. When the
     * loop is behind, its first frame waits too, so a connection gets one system call for everything queued.
     */
    private static final class PendingFlushes implements Runnable {
        private final ArrayList<ChunkedConnectionOutput> outputs = new ArrayList<>();
        private boolean scheduled;
        private boolean behind;

        /**
         * Whether the event loop is behind: other tasks (more deliveries, typically) were queued when this round of
         * flushes began. Then the first frames of a burst wait for the flush task too: it runs right after those
         * tasks, and each connection gets one system call for all of its frames instead of one more.
         */
        boolean behind(EventExecutor loop) {
            if (!scheduled) {
                behind = loop instanceof SingleThreadEventExecutor executor && executor.pendingTasks() > 0;
            }
            return behind;
        }

        void add(ChunkedConnectionOutput output, EventExecutor loop) {
            outputs.add(output);
            if (!scheduled) {
                scheduled = true;
                loop.execute(this); // behind the delivery tasks already queued
            }
        }

        @Override
        public void run() {
            scheduled = false;
            for (ChunkedConnectionOutput output : outputs) {
                output.flushPending = false;
                output.writeGathered();
                output.belowEncoder.flush();
            }
            outputs.clear();
        }
    }

    /** Tells the stream when its channel can take writes again. */
    private final class WritabilityWatch extends ChannelInboundHandlerAdapter {
        Runnable pending;

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                fire();
            }
            ctx.fireChannelWritabilityChanged();
        }

        void fire() {
            Runnable drained = pending;
            if (drained != null) {
                pending = null;
                // Later, on the stream's context: Vert.x, further down the pipeline, drains its own queue first.
                context.runOnContext(v -> drained.run());
            }
        }
    }
}
