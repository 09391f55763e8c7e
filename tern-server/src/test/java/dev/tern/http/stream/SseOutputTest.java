package dev.tern.http.stream;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where SSE frames go, on a real Vert.x server: on HTTP/1.1 straight into the pipeline as ready-made chunks, which
 * depends on how Vert.x builds its pipeline (so a Vert.x upgrade that changes it fails here, not silently in
 * production); on HTTP/2 through the Vert.x response. Either way the client reads the same body, including the
 * last frame and the end of the response that Vert.x writes after the raw chunks.
 */
class SseOutputTest {
    private final Vertx vertx = Vertx.vertx();
    private final CompletableFuture<String> outputType = new CompletableFuture<>();
    /** Bytes of the HTTP/1.1 connection not yet handed to the socket right after the first frame was written. */
    private final CompletableFuture<Long> unflushedAfterFirstFrame = new CompletableFuture<>();
    private HttpServer server;

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void http11StreamsAreWrittenAsRawChunksAndEndCleanly() throws Exception {
        String body = fetch(HttpVersion.HTTP_1_1);
        assertThat(outputType.get(5, TimeUnit.SECONDS)).isEqualTo(ChunkedConnectionOutput.class.getSimpleName());
        assertThat(body).isEqualTo(expectedBody());
    }

    @Test
    void anEventLoopThatIsBehindFlushesTheWholeBurstOnce() throws Exception {
        // With a task queued behind the current one, even the burst's first frame waits for the flush task.
        String body = fetch(HttpVersion.HTTP_1_1, true);
        assertThat(outputType.get(5, TimeUnit.SECONDS)).isEqualTo(ChunkedConnectionOutput.class.getSimpleName());
        assertThat(unflushedAfterFirstFrame.get(5, TimeUnit.SECONDS)).isGreaterThan(0);
        assertThat(body).isEqualTo(expectedBody());
    }

    @Test
    void aLoneFrameLeavesAtOnce() throws Exception {
        fetch(HttpVersion.HTTP_1_1, false);
        assertThat(unflushedAfterFirstFrame.get(5, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aBackloggedConnectionGetsEveryFrameInOrderBeforeTheLastOne() throws Exception {
        // 6,000 frames (about 120 KB) in one turn of the event loop: once the first is on its way, the others are gathered
        // into larger buffers.
        String body = fetch(HttpVersion.HTTP_1_1, false, 6000);
        assertThat(outputType.get(5, TimeUnit.SECONDS)).isEqualTo(ChunkedConnectionOutput.class.getSimpleName());
        assertThat(body).isEqualTo(expectedBody(6000));
    }

    @Test
    void http2StreamsGoThroughTheVertxResponse() throws Exception {
        String body = fetch(HttpVersion.HTTP_2);
        assertThat(outputType.get(5, TimeUnit.SECONDS)).isEqualTo(SseOutput.ResponseOutput.class.getSimpleName());
        assertThat(body).isEqualTo(expectedBody());
    }

    private static String expectedBody() {
        return expectedBody(3);
    }

    private static String expectedBody(int frames) {
        StringBuilder expected = new StringBuilder("retry: 1000\n: connected\n\n");
        for (int i = 0; i < frames; i++) {
            expected.append("data: é ").append(i).append("\n\n");
        }
        return expected.append(": heartbeat\n\n").append("event: end\ndata: {}\n\n").toString();
    }

    /** A server that streams three frames and a heartbeat through {@link SseOutput}, then ends; the body read. */
    private String fetch(HttpVersion version) throws Exception {
        return fetch(version, false);
    }

    /** As above; {@code behind}: another task is queued on the event loop while the frames are written. */
    private String fetch(HttpVersion version, boolean behind) throws Exception {
        return fetch(version, behind, 3);
    }

    private String fetch(HttpVersion version, boolean behind, int frames) throws Exception {
        server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
                .requestHandler(request -> {
                    request.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
                    request.response().write(SseFrames.preamble(1000));
                    SseOutput output = SseOutput.of(request);
                    outputType.complete(output.getClass().getSimpleName());
                    // Later, as a stream's messages come: once the response head has gone out (this server runs on
                    // NIO, where a flushed write to a loopback socket completes at once).
                    vertx.setTimer(20, start -> {
                        if (behind) {
                            vertx.getOrCreateContext().runOnContext(v -> { });
                        }
                        for (int i = 0; i < frames; i++) {
                            output.write(SseFrame.of("data: é " + i + "\n\n"));
                            if (i == 0 && request.connection() instanceof ConnectionBase connection) {
                                unflushedAfterFirstFrame.complete(
                                        connection.channel().unsafe().outboundBuffer().totalPendingWriteBytes());
                            }
                        }
                        output.write(SseFrames.heartbeat());
                        // Later, as a stream's last frame is: after the raw chunks were flushed or not.
                        vertx.setTimer(50, end -> {
                            output.close();
                            request.response().end("event: end\ndata: {}\n\n");
                        });
                    });
                });
        int port = server.listen(0).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).actualPort();
        // The JDK client asks for HTTP/2 by the h2c upgrade, which the server accepts, as Tern's does.
        HttpClient client = HttpClient.newBuilder()
                .version(version == HttpVersion.HTTP_2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .build();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(response.version().name()).isEqualTo(version == HttpVersion.HTTP_2 ? "HTTP_2" : "HTTP_1_1");
        return response.body();
    }
}
