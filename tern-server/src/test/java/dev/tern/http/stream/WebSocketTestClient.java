package dev.tern.http.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.testing.RunningTern;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A topic WebSocket opened with the JDK's WebSocket client; collects JSON frames, pings and the close. */
final class WebSocketTestClient implements WebSocket.Listener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the server closed the socket. */
    record Close(int code, String reason) {
    }

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    final AtomicInteger pings = new AtomicInteger();
    private final boolean reading;
    private WebSocket socket;

    private WebSocketTestClient(boolean reading) {
        this.reading = reading;
    }

    /** Connects to {@code pathAndQuery} (e.g. {@code /topics/c/t?token=...}) with extra headers (name, value, ...). */
    static WebSocketTestClient connect(RunningTern tern, String pathAndQuery, String... headers) {
        return connect(true, tern, pathAndQuery, headers);
    }

    /** Connects without reading anything until {@link #startReading()}: a stalled subscriber. */
    static WebSocketTestClient connectStalled(RunningTern tern, String pathAndQuery) {
        return connect(false, tern, pathAndQuery);
    }

    private static WebSocketTestClient connect(boolean reading, RunningTern tern, String pathAndQuery, String... headers) {
        WebSocketTestClient client = new WebSocketTestClient(reading);
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        client.socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + tern.port() + pathAndQuery), client).join();
        return client;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        if (reading) {
            webSocket.request(1);
        }
    }

    /** Lets a stalled client read from now on. */
    void startReading() {
        socket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                frames.add(JSON.readTree(partial.toString()));
            } catch (Exception e) {
                frames.add(JSON.createObjectNode().put("unparseable", partial.toString()));
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        frames.add(JSON.createObjectNode().put("unexpected_binary_frame", data.remaining()));
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        pings.incrementAndGet();
        webSocket.request(1);
        return null; // the JDK client answers with a pong itself
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    void sendText(String text) {
        socket.sendText(text, true).join();
    }

    void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /** The next frame, failing after a while. */
    JsonNode next() {
        try {
            JsonNode frame = frames.poll(10, TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within 10 s (closed: " + closed.getNow(null) + ")");
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next frame that is not a heartbeat. */
    JsonNode nextIgnoringHeartbeats() {
        while (true) {
            JsonNode frame = next();
            if (!frame.has("heartbeat")) {
                return frame;
            }
        }
    }

    JsonNode poll(Duration wait) throws InterruptedException {
        return frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    Close awaitClose() {
        try {
            return closed.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("socket not closed by the server within 10 s", e);
        }
    }

    boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
        socket.abort();
    }
}
