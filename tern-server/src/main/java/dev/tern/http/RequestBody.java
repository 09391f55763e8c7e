package dev.tern.http;

import dev.tern.error.TernException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body of at most a given size. A larger one is refused with 413, as soon as its Content-Length
 * says so or, for a chunked body, once it grows past the limit; nothing beyond the limit is held.
 */
final class RequestBody {
    private RequestBody() {
    }

    static Future<Buffer> read(HttpServerRequest request, long maxBytes) {
        String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && declaredLength(declared) > maxBytes) {
            return Future.failedFuture(TernException.bodyTooLarge(maxBytes));
        }
        Promise<Buffer> body = Promise.promise();
        Collector collector = new Collector(body, maxBytes);
        request.handler(collector::append);
        request.exceptionHandler(body::tryFail);
        request.endHandler(v -> collector.finish());
        return body.future();
    }

    private static long declaredLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1; // Vert.x refuses a malformed Content-Length before the request reaches a handler
        }
    }

    private static final class Collector {
        private final Promise<Buffer> body;
        private final long maxBytes;
        private Buffer received;
        /** Whether {@code received} is a buffer of our own that further chunks may be appended to. */
        private boolean growable;

        Collector(Promise<Buffer> body, long maxBytes) {
            this.body = body;
            this.maxBytes = maxBytes;
        }

        void append(Buffer chunk) {
            if (body.future().isComplete()) {
                return; // refused already; the rest is read and dropped
            }
            long size = (received == null ? 0 : received.length()) + chunk.length();
            if (size > maxBytes) {
                received = null;
                body.tryFail(TernException.bodyTooLarge(maxBytes));
            } else if (received == null) {
                received = chunk; // most bodies arrive in one chunk: no copy
            } else if (growable) {
                received.appendBuffer(chunk);
            } else {
                received = Buffer.buffer((int) Math.min(maxBytes, 2 * size)).appendBuffer(received).appendBuffer(chunk);
                growable = true;
            }
        }

        void finish() {
            body.tryComplete(received == null ? Buffer.buffer() : received);
        }
    }
}
