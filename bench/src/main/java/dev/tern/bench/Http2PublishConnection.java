package dev.tern.bench;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.vertx.core.net.NetSocket;

/**
 * One HTTP/2 connection ({@link Http2ClientConnection}) carrying one unary gRPC call at a time. Per call: a HEADERS
 * frame (after the first call every header is an index into the dynamic table this connection filled), then the
 * body in DATA frames within the server's flow-control windows. The call is OK only when the answer is HTTP 200 with
 * {@code grpc-status: 0}. After GOAWAY the connection is closed once the call in flight is over.
 *
 * <p>Use only on the socket's event loop.
 */
final class Http2PublishConnection extends Http2ClientConnection {
    /** Called once per call, on the event loop: ok, or why not. */
    interface Answer {
        void answered(boolean ok, String failure);
    }

    private static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
    private static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
    private static final AsciiString OK_STATUS = AsciiString.cached("200");
    private static final AsciiString GRPC_OK = AsciiString.cached("0");

    private final Http2Headers requestHeaders;

    /** The call in flight: its stream (0: none), send window, body bytes not yet sent, what the answer said. */
    private int streamId;
    private long streamSendWindow;
    private long streamReceived;
    private ByteBuf pendingBody;
    private CharSequence httpStatus;
    private CharSequence grpcStatus;
    private CharSequence grpcMessage;
    private Answer answer;

    Http2PublishConnection(NetSocket socket, Http2Headers requestHeaders) {
        super(socket);
        this.requestHeaders = requestHeaders;
    }

    /** Whether a new call may start: a stream may open and nothing is in flight. */
    boolean usable() {
        return canOpenStream() && streamId == 0;
    }

    /** Starts a call with this gRPC body (5-byte prefix and message); takes ownership of {@code body}. */
    void call(ByteBuf body, Answer answer) {
        if (!usable()) {
            body.release();
            answer.answered(false, "connection not usable");
            return;
        }
        streamSendWindow = peerInitialWindow();
        streamReceived = 0;
        httpStatus = grpcStatus = grpcMessage = null;
        this.answer = answer;
        pendingBody = body;
        streamId = openStream(requestHeaders);
        sendBody();
        flush();
    }

    /** Sends as much of the call's body as the windows allow; the last DATA frame ends the stream. */
    private void sendBody() {
        while (pendingBody != null) {
            int remaining = pendingBody.readableBytes();
            int length = (int) Math.min(Math.min(remaining, peerMaxFrame()),
                    Math.min(connectionSendWindow(), streamSendWindow));
            if (length <= 0 && remaining > 0) {
                return; // wait for a WINDOW_UPDATE
            }
            boolean last = length == remaining;
            writeData(streamId, pendingBody, length, last);
            streamSendWindow -= length;
            if (last) {
                pendingBody.release();
                pendingBody = null;
            }
        }
    }

    @Override
    void onSendWindow(int stream, long increment) {
        if (streamId != 0 && (stream == streamId || stream == ALL_STREAMS)) {
            streamSendWindow += increment;
        }
        sendBody();
    }

    /** Received DATA is given back to the stream's window at half of it (the connection's is the base's). */
    @Override
    void onData(int stream, ByteBuf payload, int flowControlled, boolean endStream) {
        if (stream != streamId || streamId == 0) {
            return;
        }
        streamReceived += flowControlled;
        if (!endStream && streamReceived >= RECEIVE_WINDOW / 2) {
            windowUpdate(stream, (int) streamReceived);
            streamReceived = 0;
        }
        if (endStream) {
            finish(false, "the answer ended without trailers");
        }
    }

    @Override
    void onHeaders(int stream, Http2Headers headers, boolean endStream) {
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

    @Override
    void onReset(int stream, long errorCode) {
        if (stream == streamId && streamId != 0) {
            finish(false, "stream reset by the server, error code " + errorCode);
        }
    }

    @Override
    void onGoAway(int lastStream, long errorCode) {
        if (streamId > lastStream) {
            finish(false, "GOAWAY from the server, error code " + errorCode);
        }
    }

    @Override
    void onClosed() {
        if (streamId != 0) {
            finish(false, "connection closed before the answer");
        }
    }

    private void finish(boolean ok, String failure) {
        Answer done = answer;
        answer = null;
        streamId = 0;
        if (pendingBody != null) {
            pendingBody.release();
            pendingBody = null;
        }
        if (goingAway()) {
            flush();
            close();
        }
        if (done != null) {
            done.answered(ok, failure);
        }
    }
}
