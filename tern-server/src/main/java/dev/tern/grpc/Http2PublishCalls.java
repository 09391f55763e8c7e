package dev.tern.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tern.http.AccessLog;
import grpc.cache_client.pubsub._PublishRequest;
import grpc.common._Empty;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListenerDecorator;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AsciiString;
import io.netty.util.AttributeKey;
import io.netty.util.collection.IntObjectHashMap;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.impl.ConnectionBase;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.LongAdder;

/**
 * Momento's unary {@code Publish} answered on Netty's HTTP/2 codec, below Vert.x's HTTP/2 and gRPC servers, as
 * Subscribe's messages are written ({@link Http2MessageOutput}). Through Vert.x, each call cost a request, a response
 * and a stream object of Vert.x's HTTP/2 layer with header maps of their own, the gRPC request and response with
 * their message queue, deframer, decoder and promise chain, a per-call content-type regex and path concatenation,
 * and three separately built frames. Here a call is the HTTP/2 stream Netty already keeps, the request body and one
 * protobuf decode; the answer is three frames with constant headers, written as one buffer made once
 * ({@link PublishOkFrames}) and flushed with everything else the read produced.
 *
 * <p>This is a decorator of the connection's frame listener, installed on a connection at its first gRPC call (which
 * itself goes through Vert.x). It takes only what it recognises as an ordinary Publish call: POST of
 * {@code application/grpc} (protobuf) to the method's path, with an authority Vert.x would accept, no Origin (gRPC-Web
 * and CORS stay with Vert.x), no message compression, a body of one uncompressed message of at most
 * {@link #MAX_BODY} bytes that decodes. Everything else, and any call it gives up on before the publish (body too
 * large, undecodable, trailers from the client), is handed to Vert.x as it arrived: its headers and body frames are
 * replayed to Vert.x's listener, which answers exactly as before. Failures of the publish itself (authentication,
 * names, limits) are answered here through {@link GrpcErrors#trailersOnly}, the same table and the same headers.
 *
 * <p>Flow control: body bytes held here are not consumed (no window update) until the call ends, so that a call
 * handed over is consumed by Vert.x exactly once; to keep that from stalling a connection, bodies held here never
 * exceed half the connection's receive window in total, and a call that would go beyond it is handed over.
 * Use only on the connection's event loop.
 */
final class Http2PublishCalls extends Http2FrameListenerDecorator {
    /** The largest request body answered here: ordinary publishes are far smaller; larger ones go to Vert.x. */
    static final int MAX_BODY = 16 * 1024;
    private static final int PREFIX_LENGTH = 5;
    private static final AttributeKey<Http2PublishCalls> INSTALLED = AttributeKey.valueOf(Http2PublishCalls.class.getName());
    private static final AsciiString PATH = AsciiString.cached("/" + PubsubService.PUBLISH.fullMethodName());
    private static final AsciiString POST = AsciiString.cached("POST");
    private static final AsciiString GRPC = AsciiString.cached("application/grpc");
    private static final AsciiString GRPC_PROTO = AsciiString.cached("application/grpc+proto");
    private static final AsciiString CONTENT_TYPE = AsciiString.cached("content-type");
    private static final AsciiString CONTENT_ENCODING = AsciiString.cached("content-encoding");
    private static final AsciiString GRPC_ENCODING = AsciiString.cached("grpc-encoding");
    private static final AsciiString ORIGIN = AsciiString.cached("origin");
    private static final AsciiString HOST = AsciiString.cached("host");
    private static final AsciiString AUTHORIZATION = AsciiString.cached(GrpcCalls.AUTHORIZATION);
    /** What Vert.x's gRPC server sends before a successful unary answer. */
    private static final Http2Headers ANSWER_HEADERS = GrpcErrors.answerHeaders();
    private static final Http2Headers OK_TRAILERS = GrpcErrors.okTrailers();
    /** The answer's message, {@code _Empty}: no compression, length 0. */
    private static final ByteBuf EMPTY_MESSAGE = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(PREFIX_LENGTH).writeByte(0).writeInt(_Empty.getDefaultInstance().getSerializedSize()))
            .asReadOnly();
    /** Calls answered here in this JVM, and those of them answered in one write ({@link PublishOkFrames}), for tests. */
    private static final LongAdder ANSWERED = new LongAdder();
    private static final LongAdder ANSWERED_IN_ONE_WRITE = new LongAdder();

    /** Publishes a decoded request with the caller's credential; may throw a TernException or fail. */
    interface Publisher {
        Future<?> publish(_PublishRequest message, String credential);
    }

    /** What every connection's listener shares; {@link #install} puts one on a connection. */
    record Installer(Publisher publisher, GrpcErrors errors, boolean accessLog) {
        /**
         * Called with each gRPC request Vert.x dispatches: decorates its connection's frame listener the first time.
         * Does nothing for gRPC-Web over HTTP/1.1 or a connection not laid out as expected.
         */
        void install(HttpServerRequest request) {
            if (request.version() != HttpVersion.HTTP_2 || !(request.connection() instanceof ConnectionBase connection)) {
                return;
            }
            ChannelHandlerContext ctx = connection.channelHandlerContext();
            if (ctx == null || ctx.channel().hasAttr(INSTALLED) || !ctx.executor().inEventLoop()
                    || !(ctx.handler() instanceof Http2ConnectionHandler handler)
                    || !(Vertx.currentContext() instanceof ContextInternal context)) {
                return;
            }
            Http2ConnectionDecoder decoder = handler.decoder();
            Http2PublishCalls calls = new Http2PublishCalls(decoder.frameListener(), ctx, handler, context.unwrap(), this);
            ctx.channel().attr(INSTALLED).set(calls);
            decoder.frameListener(calls);
            handler.connection().addListener(calls.new Closed());
        }
    }

    private final ChannelHandlerContext ctx;
    private final Http2ConnectionHandler handler;
    private final ChannelFuture succeeded;
    private final Http2Connection connection;
    private final Http2ConnectionEncoder encoder;
    private final Http2ConnectionDecoder decoder;
    private final ContextInternal context;
    private final Installer settings;
    /** Calls whose body is still arriving, by stream id. */
    private final IntObjectHashMap<Call> calls = new IntObjectHashMap<>(4);
    /** Body bytes held by {@link #calls}, not yet consumed, and the most they may reach. */
    private int held;
    private final int heldBound;
    private String client;
    private CharSequence parsedAuthority;
    /**
     * The client changed its HPACK table size and Netty's encoder has not yet written the header block that must
     * say so first: answers go through the encoder until one has.
     */
    private boolean tableSizeSignalOwed;

    private Http2PublishCalls(io.netty.handler.codec.http2.Http2FrameListener vertx, ChannelHandlerContext ctx,
                              Http2ConnectionHandler handler, ContextInternal context, Installer settings) {
        super(vertx);
        this.ctx = ctx;
        this.handler = handler;
        this.succeeded = ctx.newSucceededFuture();
        this.connection = handler.connection();
        this.encoder = handler.encoder();
        this.decoder = handler.decoder();
        this.context = context;
        this.settings = settings;
        this.heldBound = decoder.flowController().initialWindowSize(connection.connectionStream()) / 2;
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                              boolean endOfStream) throws Http2Exception {
        if (!takes(ctx, streamId, headers, endOfStream, false, 0, (short) 0, false, padding)) {
            super.onHeadersRead(ctx, streamId, headers, padding, endOfStream);
        }
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                              short weight, boolean exclusive, int padding, boolean endOfStream) throws Http2Exception {
        if (!takes(ctx, streamId, headers, endOfStream, true, streamDependency, weight, exclusive, padding)) {
            super.onHeadersRead(ctx, streamId, headers, streamDependency, weight, exclusive, padding, endOfStream);
        }
    }

    private boolean takes(ChannelHandlerContext ctx, int streamId, Http2Headers headers, boolean endOfStream,
                          boolean prioritized, int streamDependency, short weight, boolean exclusive, int padding)
            throws Http2Exception {
        Call waiting = calls.get(streamId);
        if (waiting != null) {
            handOver(ctx, streamId, waiting, false); // trailers from the client: not an ordinary call
            return false;
        }
        if (endOfStream || !isOrdinaryPublish(headers)) {
            return false;
        }
        calls.put(streamId, new Call(headers, prioritized, streamDependency, weight, exclusive, padding,
                settings.accessLog() ? System.nanoTime() : 0));
        return true;
    }

    private boolean isOrdinaryPublish(Http2Headers headers) {
        if (!PATH.contentEquals(headers.path()) || !POST.contentEquals(headers.method()) || headers.scheme() == null) {
            return false;
        }
        CharSequence contentType = headers.get(CONTENT_TYPE);
        if (contentType == null || !(GRPC.contentEquals(contentType) || GRPC_PROTO.contentEquals(contentType))) {
            return false;
        }
        if (headers.contains(ORIGIN) || headers.contains(GRPC_ENCODING) || headers.contains(CONTENT_ENCODING)
                || headers.contains(HOST)) {
            return false;
        }
        // Vert.x resets a stream whose authority does not parse; such a call is left to it. A client sends the same
        // authority on every call, so the last one that parsed is remembered.
        CharSequence authority = headers.authority();
        if (authority == null || AsciiString.contentEquals(authority, parsedAuthority)) {
            return true;
        }
        if (HostAndPort.parseAuthority(authority.toString(), -1) == null) {
            return false;
        }
        parsedAuthority = authority;
        return true;
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream)
            throws Http2Exception {
        Call call = calls.get(streamId);
        if (call == null) {
            return super.onDataRead(ctx, streamId, data, padding, endOfStream);
        }
        int length = data.readableBytes();
        if (call.size() + length > MAX_BODY || held + length > heldBound) {
            handOver(ctx, streamId, call, false);
            return super.onDataRead(ctx, streamId, data, padding, endOfStream);
        }
        call.append(ctx, data);
        held += length;
        if (endOfStream) {
            calls.remove(streamId);
            held -= call.size();
            end(ctx, streamId, call);
        }
        return padding; // the body bytes are consumed when the call ends (see the class comment)
    }

    @Override
    public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) throws Http2Exception {
        if (settings.headerTableSize() != null) {
            tableSizeSignalOwed = true;
        }
        super.onSettingsRead(ctx, settings);
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) throws Http2Exception {
        forget(streamId); // Vert.x does not know the stream; Netty closes it
        super.onRstStreamRead(ctx, streamId, errorCode);
    }

    /** Gives a call to Vert.x as it arrived: its headers and the body so far, then what follows goes straight there. */
    private void handOver(ChannelHandlerContext ctx, int streamId, Call call, boolean ended) throws Http2Exception {
        calls.remove(streamId);
        held -= call.size();
        try {
            if (call.prioritized) {
                super.onHeadersRead(ctx, streamId, call.headers, call.streamDependency, call.weight, call.exclusive,
                        call.padding, false);
            } else {
                super.onHeadersRead(ctx, streamId, call.headers, call.padding, false);
            }
            ByteBuf body = call.body != null ? call.body : Unpooled.EMPTY_BUFFER;
            if (body.isReadable() || ended) {
                super.onDataRead(ctx, streamId, body, 0, ended);
            }
        } finally {
            call.release();
        }
    }

    /** The whole body is here: publish, or hand the call to Vert.x when it is not one message that decodes. */
    private void end(ChannelHandlerContext ctx, int streamId, Call call) throws Http2Exception {
        _PublishRequest message = call.message();
        if (message == null) {
            handOver(ctx, streamId, call, true);
            return;
        }
        Http2Stream stream = connection.stream(streamId);
        if (stream != null && call.size() > 0) {
            decoder.flowController().consumeBytes(stream, call.size());
        }
        call.release();
        CharSequence authorization = call.headers.get(AUTHORIZATION);
        Future<?> published;
        ContextInternal previous = context.beginDispatch(); // Redis and the limiter expect a Vert.x context
        try {
            published = settings.publisher().publish(message, authorization == null ? null : authorization.toString());
        } catch (RuntimeException e) {
            published = Future.failedFuture(e);
        } finally {
            context.endDispatch(previous);
        }
        if (published.isComplete()) {
            answer(streamId, call, published, false); // flushed at the end of this read, with everything else
        } else {
            published.onComplete(result -> {
                if (ctx.executor().inEventLoop()) {
                    answer(streamId, call, result, true);
                } else {
                    ctx.executor().execute(() -> answer(streamId, call, result, true));
                }
            });
        }
    }

    private void answer(int streamId, Call call, AsyncResult<?> result, boolean flush) {
        Http2Stream stream = connection.stream(streamId);
        // OPEN while the last body frame is being read (Netty half-closes the stream after it), then HALF_CLOSED_REMOTE.
        Http2Stream.State state = stream == null ? Http2Stream.State.CLOSED : stream.state();
        if (state != Http2Stream.State.OPEN && state != Http2Stream.State.HALF_CLOSED_REMOTE) {
            return; // reset by the client meanwhile: nobody to answer
        }
        int bytes;
        String grpcStatus;
        if (result.succeeded()) {
            if (!writeOkFrames(stream)) {
                encoder.writeHeaders(ctx, streamId, ANSWER_HEADERS, 0, false, ctx.voidPromise());
                encoder.writeData(ctx, streamId, EMPTY_MESSAGE.duplicate(), 0, false, ctx.voidPromise());
                encoder.writeHeaders(ctx, streamId, OK_TRAILERS, 0, true, ctx.voidPromise());
                tableSizeSignalOwed = false;
            }
            bytes = PREFIX_LENGTH;
            grpcStatus = "0";
        } else {
            Http2Headers trailersOnly = settings.errors().trailersOnly(result.cause());
            encoder.writeHeaders(ctx, streamId, trailersOnly, 0, true, ctx.voidPromise());
            tableSizeSignalOwed = false;
            bytes = 0;
            grpcStatus = trailersOnly.get(GrpcErrors.GRPC_STATUS).toString();
        }
        if (flush) {
            ctx.channel().flush();
        }
        ANSWERED.increment();
        if (settings.accessLog()) {
            AccessLog.log(client(), "POST", PATH.toString(), 200, bytes, (System.nanoTime() - call.started) / 1_000_000,
                    grpcStatus);
        }
    }

    /**
     * Writes the successful answer as one buffer below the encoder ({@link PublishOkFrames}) and closes the stream as
     * the encoder would after the trailers. Only when its DATA frame fits both windows and nothing of the stream waits
     * in the flow controller; the connection's window is then charged for it, as the flow controller would have.
     * Returns false, having written nothing, otherwise.
     */
    private boolean writeOkFrames(Http2Stream stream) {
        Http2RemoteFlowController flow = encoder.flowController();
        Http2Stream connectionStream = connection.connectionStream();
        if (tableSizeSignalOwed || flow.hasFlowControlled(stream)
                || flow.windowSize(stream) < PublishOkFrames.MESSAGE_LENGTH
                || flow.windowSize(connectionStream) < PublishOkFrames.MESSAGE_LENGTH) {
            return false;
        }
        try {
            flow.incrementWindowSize(connectionStream, -PublishOkFrames.MESSAGE_LENGTH);
        } catch (Http2Exception e) {
            return false; // a decrement within the window is not refused; the encoder's way is left if it were
        }
        ctx.write(PublishOkFrames.forStream(ctx.alloc(), stream.id()), ctx.voidPromise());
        handler.closeStreamLocal(stream, succeeded);
        ANSWERED_IN_ONE_WRITE.increment();
        return true;
    }

    static long answered() {
        return ANSWERED.sum();
    }

    static long answeredInOneWrite() {
        return ANSWERED_IN_ONE_WRITE.sum();
    }

    private String client() {
        if (client == null) {
            SocketAddress remote = ctx.channel().remoteAddress();
            client = remote instanceof InetSocketAddress address && address.getAddress() != null
                    ? address.getAddress().getHostAddress() : "-";
        }
        return client;
    }

    private void forget(int streamId) {
        Call call = calls.remove(streamId);
        if (call != null) {
            held -= call.size();
            call.release();
        }
    }

    /** A stream closed while its body was arriving (reset, connection gone): its bytes are dropped. */
    private final class Closed extends Http2ConnectionAdapter {
        @Override
        public void onStreamClosed(Http2Stream stream) {
            if (!calls.isEmpty()) {
                forget(stream.id());
            }
        }
    }

    /** A call whose body is arriving: its headers as received, to answer or to hand over, and the body so far. */
    private static final class Call {
        final Http2Headers headers;
        final boolean prioritized;
        final int streamDependency;
        final short weight;
        final boolean exclusive;
        final int padding;
        final long started;
        ByteBuf body;

        Call(Http2Headers headers, boolean prioritized, int streamDependency, short weight, boolean exclusive,
             int padding, long started) {
            this.headers = headers;
            this.prioritized = prioritized;
            this.streamDependency = streamDependency;
            this.weight = weight;
            this.exclusive = exclusive;
            this.padding = padding;
            this.started = started;
        }

        int size() {
            return body == null ? 0 : body.readableBytes();
        }

        void append(ChannelHandlerContext ctx, ByteBuf data) {
            if (!data.isReadable()) {
                return;
            }
            if (body == null) {
                body = ctx.alloc().heapBuffer(data.readableBytes());
            }
            body.writeBytes(data, data.readerIndex(), data.readableBytes());
        }

        /** The request when the body is exactly one uncompressed message that decodes, else null. */
        _PublishRequest message() {
            if (body == null || body.readableBytes() < PREFIX_LENGTH) {
                return null;
            }
            int start = body.readerIndex();
            long length = body.getUnsignedInt(start + 1);
            if (body.getByte(start) != 0 || length != body.readableBytes() - PREFIX_LENGTH) {
                return null;
            }
            try {
                return _PublishRequest.parseFrom(body.nioBuffer(start + PREFIX_LENGTH, (int) length));
            } catch (InvalidProtocolBufferException undecodable) {
                return null;
            }
        }

        void release() {
            if (body != null) {
                body.release();
                body = null;
            }
        }
    }
}
