package dev.tern.http.stream;

import dev.tern.pubsub.ResumingSubscription;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/** Where an event stream's frames go once its response has started. Used on the connection's event loop. */
interface SseOutput {
    void write(SseFrame frame);

    /** True when the client is not reading fast enough and nothing more should be written for now. */
    boolean writeQueueFull();

    /** Runs {@code drained} once, on the stream's Vert.x context, when there is room to write again. */
    void onDrain(Runnable drained);

    /** The stream is over: stop watching the connection. */
    void close();

    /**
     * The fastest output the connection allows: raw chunks on an HTTP/1.1 connection, otherwise the Vert.x
     * response (HTTP/2, which frames the stream itself). Call after the response head has been written.
     */
    static SseOutput of(HttpServerRequest request) {
        SseOutput chunks = ChunkedConnectionOutput.attach(request);
        return chunks != null ? chunks : new ResponseOutput(request.response());
    }

    /** Frames written through the Vert.x response, which encodes them for its protocol. */
    final class ResponseOutput implements SseOutput {
        private final HttpServerResponse response;

        ResponseOutput(HttpServerResponse response) {
            this.response = response;
        }

        @Override
        public void write(SseFrame frame) {
            response.write(frame.buffer());
        }

        @Override
        public boolean writeQueueFull() {
            return response.writeQueueFull();
        }

        @Override
        public void onDrain(Runnable drained) {
            ResumingSubscription.Sink.drainOnce(response, drained);
        }

        @Override
        public void close() {
        }
    }
}
