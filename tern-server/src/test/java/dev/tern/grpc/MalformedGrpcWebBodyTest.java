package dev.tern.grpc;

import dev.tern.testing.CapturedLog;
import dev.tern.testing.RunningTern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * gRPC-Web bodies over HTTP/1.1 that Vert.x's gRPC server cannot read (found by {@code HttpPortFuzzTest}): each gets
 * a clear answer, no ERROR line, and the connection goes on to serve the next request. Each call is sent on a raw
 * socket with a {@code GET /livez} pipelined behind it, so its whole body has been read before the log is checked.
 */
class MalformedGrpcWebBodyTest {
    private static final String PUBLISH = "/cache_client.pubsub.Pubsub/Publish";
    /** A frame header announcing a message of 2^31 - 1 bytes, far over the server's gRPC message limit. */
    private static final byte[] OVERSIZED_FRAME_HEADER = {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    private static RunningTern tern;
    private static CapturedLog log;

    @BeforeAll
    static void start() {
        log = CapturedLog.start();
        tern = RunningTern.start();
        tern.createCache("web");
    }

    @AfterAll
    static void stop() {
        tern.close();
        log.close();
    }

    @Test
    void anOversizedFrameAfterTheCallWasAnsweredIsIgnored() throws IOException {
        // An unknown method is answered UNIMPLEMENTED at once; Vert.x then met the frame over its limit and answered
        // the ended call a second time: "The stream has been closed", logged as an unhandled ERROR.
        String answer = callThenLivez("/cache_client.Nothing/Here", "application/grpc-web+proto", OVERSIZED_FRAME_HEADER);
        assertThat(answer).startsWith("HTTP/1.1 200").contains("grpc-status: 12");
    }

    @Test
    void anOversizedFrameIsResourceExhaustedNamingTheLimit() throws IOException {
        String answer = callThenLivez(PUBLISH, "application/grpc-web+proto", OVERSIZED_FRAME_HEADER);
        assertThat(answer).startsWith("HTTP/1.1 200").contains("grpc-status: 8").contains("err: request_size_limit_exceeded")
                .contains("gRPC message of 2147483647 bytes exceeds the server's limit of 1052672 bytes");
    }

    @Test
    void aCompressedFrameWithoutAnEncodingIsABadRequest() throws IOException {
        String answer = callThenLivez(PUBLISH, "application/grpc-web+proto", new byte[]{1, 0, 0, 0, 1, 0});
        assertBadRequest(answer);
    }

    @Test
    void anEmptyGrpcWebTextBodyIsABadRequest() throws IOException {
        assertBadRequest(callThenLivez(PUBLISH, "application/grpc-web-text", new byte[0]));
    }

    @Test
    void aGrpcWebTextBodyThatIsNotBase64IsABadRequest() throws IOException {
        assertBadRequest(callThenLivez(PUBLISH, "application/grpc-web-text", "!!!!".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aGrpcWebTextBodyShorterThanAFrameHeaderIsABadRequest() throws IOException {
        assertBadRequest(callThenLivez(PUBLISH, "application/grpc-web-text", "AAA=".getBytes(StandardCharsets.US_ASCII)));
    }

    private static void assertBadRequest(String answer) {
        assertThat(answer).startsWith("HTTP/1.1 400").contains("grpc-status: 3").contains("malformed gRPC request body");
    }

    /**
     * Sends the call and a {@code GET /livez} behind it on one connection; returns everything the server wrote,
     * after checking that the second answer came and that nothing was logged at ERROR.
     */
    private static String callThenLivez(String path, String contentType, byte[] body) throws IOException {
        int errorsBefore = log.errorLines().size();
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
                + "\r\nAuthorization: " + tern.superUserKey() + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        request.writeBytes(body);
        request.writeBytes("GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String answer;
        try (Socket socket = new Socket("127.0.0.1", tern.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.toByteArray());
            InputStream in = socket.getInputStream();
            answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException hang) {
            fail("no answer within 5 s to %s %s", contentType, path);
            return "";
        }
        int second = answer.indexOf("HTTP/1.1", 1);
        assertThat(second).as("the pipelined GET /livez is answered: %s", answer).isPositive();
        assertThat(answer.substring(second)).startsWith("HTTP/1.1 200");
        assertThat(log.errorLines()).as("ERROR lines").hasSize(errorsBefore);
        return answer.substring(0, second);
    }
}
