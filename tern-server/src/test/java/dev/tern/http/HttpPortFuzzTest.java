package dev.tern.http;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tern.testing.CapturedLog;
import dev.tern.testing.RunningTern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * End to end: fuzzer-made HTTP/1.1 requests to a real server's port over a raw socket. Whatever arrives, the answer is
 * never a 5xx (503 aside, the overload answer), never a hang (30 s), never an ERROR log line, and the server stays alive.
 * A request is shaped from the input: a method, one of the API's paths with fuzzed bytes after it, optional
 * credentials and content type, a body. Seeds: {@code src/test/resources/dev/tern/http/HttpPortFuzzTestInputs/requests/}.
 */
class HttpPortFuzzTest {
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "G\u00c9T"};
    private static final String[] PATHS = {"/topics/fuzz/t", "/topics/", "/caches/", "/caches", "/tokens", "/livez",
            "/readyz", "/metrics", "/", "/console/", "/cache_client.pubsub.Pubsub/Publish", "*"};
    private static final String[] CONTENT_TYPES = {"", "text/plain", "application/json", "application/octet-stream",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/grpc-web+proto",
            "text/event-stream"};
    /**
     * Every wait of the server under test is 100 ms at most, so an answer this late is a hang. It is generous because
     * in fuzzing mode Jazzer instruments each class on first load, on the event loop: on a busy machine, the first
     * request down a new path once took 9 s.
     */
    private static final int HANG_MILLIS = 30_000;
    private static RunningTern tern;
    private static CapturedLog log;

    @BeforeAll
    static void start() {
        log = CapturedLog.start();
        tern = RunningTern.start("--long-poll-timeout", "100ms", "--max-topics", "2000");
        tern.createCache("fuzz");
    }

    @AfterAll
    static void stop() {
        tern.close();
        log.close();
    }

    @FuzzTest(maxDuration = "45s")
    void requests(FuzzedDataProvider data) throws IOException {
        // The test itself connects to the server under test: not the request forgery Jazzer's detector looks for.
        try (SilentCloseable loopback = BugDetectors.allowNetworkConnections(
                (host, port) -> ("127.0.0.1".equals(host) || "localhost".equals(host)) && port == tern.port())) {
            send(data);
        }
    }

    private void send(FuzzedDataProvider data) throws IOException {
        String method = data.pickValue(METHODS);
        String target = data.pickValue(PATHS) + data.consumeString(64);
        String contentType = data.pickValue(CONTENT_TYPES);
        int auth = data.consumeInt(0, 3);
        String extraHeader = data.consumeString(64);
        byte[] body = data.consumeRemainingAsBytes();

        ByteArrayOutputStream request = new ByteArrayOutputStream();
        write(request, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (auth == 1) {
            write(request, "Authorization: " + tern.superUserKey() + "\r\n");
        } else if (auth == 2) {
            write(request, "Accept: text/event-stream\r\n");
        }
        if (!contentType.isEmpty()) {
            write(request, "Content-Type: " + contentType + "\r\n");
        }
        if (!extraHeader.isEmpty()) {
            write(request, "X-Fuzz: " + extraHeader + "\r\n");
        }
        write(request, "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n");
        request.write(body);

        int errorsBefore = log.errorLines().size();
        String statusLine = exchange(request.toByteArray());
        if (statusLine != null && statusLine.startsWith("HTTP/")) {
            String[] parts = statusLine.split(" ");
            int status = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            assertThat(status).as("%s %s", method, target).satisfiesAnyOf(s -> assertThat(s).isLessThan(500), s -> assertThat(s).isEqualTo(503));
        }
        assertThat(log.errorLines()).as("ERROR lines after %s %s", method, target).hasSize(errorsBefore);
        assertThat(exchange("GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
                .as("the server is alive").startsWith("HTTP/1.1 200");
    }

    /** Sends the bytes and returns the answer's status line; null when the server closed without answering. */
    private static String exchange(byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", tern.port())) {
            socket.setSoTimeout(HANG_MILLIS);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (SocketException closedWhileSending) {
                return null; // the server refused the request head early and closed
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                line.write(b);
            }
            return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1).trim();
        } catch (SocketTimeoutException hang) {
            fail("no answer within " + HANG_MILLIS / 1000 + " s: the server hangs on this request");
            return null;
        } catch (SocketException reset) {
            return null; // closed by the server
        }
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
