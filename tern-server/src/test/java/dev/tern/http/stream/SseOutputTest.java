package dev.tern.http.stream;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
    void http2StreamsGoThroughTheVertxResponse() throws Exception {
        String body = fetch(HttpVersion.HTTP_2);
        assertThat(outputType.get(5, TimeUnit.SECONDS)).isEqualTo(SseOutput.ResponseOutput.class.getSimpleName());
        assertThat(body).isEqualTo(expectedBody());
    }

    private static String expectedBody() {
        StringBuilder expected = new StringBuilder("retry: 1000\n: connected\n\n");
        for (int i = 0; i < 3; i++) {
            expected.append("data: é ").append(i).append("\n\n");
        }
        return expected.append(": heartbeat\n\n").append("event: end\ndata: {}\n\n").toString();
    }

    /** A server that streams three frames and a heartbeat through {@link SseOutput}, then ends; the body read. */
    private String fetch(HttpVersion version) throws Exception {
        server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
                .requestHandler(request -> {
                    request.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
                    request.response().write(SseFrames.preamble(1000));
                    SseOutput output = SseOutput.of(request, request.response());
                    outputType.complete(output.getClass().getSimpleName());
                    for (int i = 0; i < 3; i++) {
                        output.write(SseFrame.of("data: é " + i + "\n\n"));
                    }
                    output.write(SseFrames.heartbeat());
                    // Later, as a stream's last frame is: after the raw chunks were flushed or not.
                    vertx.setTimer(50, id -> {
                        output.close();
                        request.response().end("event: end\ndata: {}\n\n");
                    });
                });
        int port = server.listen(0).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).actualPort();
        HttpClientOptions options = new HttpClientOptions().setProtocolVersion(version)
                .setHttp2ClearTextUpgrade(false);
        return vertx.createHttpClient(options)
                .request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI("/"))
                .compose(request -> request.send())
                .compose(response -> {
                    assertThat(response.version()).isEqualTo(version);
                    return response.body();
                })
                .map(buffer -> buffer.toString())
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
