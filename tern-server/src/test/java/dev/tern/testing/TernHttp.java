package dev.tern.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Plain HTTP calls against a {@link RunningTern}, made the way curl or a browser makes them: the JDK HttpClient over
 * HTTP/1.1, the token where the test puts it, nothing added behind the test's back.
 */
public final class TernHttp {
    public static final ObjectMapper JSON = new ObjectMapper();

    private final RunningTern tern;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public TernHttp(RunningTern tern) {
        this.tern = tern;
    }

    /** A request builder for {@code pathAndQuery} on the server, with a generous timeout so a hang fails the test. */
    public HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(tern.uri(pathAndQuery)).timeout(Duration.ofSeconds(30));
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** POST a text/plain message with the token as the raw Authorization header. */
    public HttpResponse<String> publishText(String cache, String topic, String token, String text) {
        return send(request(topicPath(cache, topic))
                .header("Authorization", token)
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8))
                .build());
    }

    /** POST a message with the given content type (null: none) and the token as the raw Authorization header. */
    public HttpResponse<String> publish(String cache, String topic, String token, String contentType, byte[] body) {
        HttpRequest.Builder request = request(topicPath(cache, topic))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request.build());
    }

    /** GET the long poll with the token as the raw Authorization header. */
    public HttpResponse<String> longPoll(String cache, String topic, String token, long sequenceNumber, long sequencePage) {
        return send(longPollRequest(cache, topic, token, sequenceNumber, sequencePage));
    }

    public CompletableFuture<HttpResponse<String>> longPollAsync(String cache, String topic, String token,
                                                                 long sequenceNumber, long sequencePage) {
        return sendAsync(longPollRequest(cache, topic, token, sequenceNumber, sequencePage));
    }

    private HttpRequest longPollRequest(String cache, String topic, String token, long sequenceNumber, long sequencePage) {
        return request(topicPath(cache, topic) + "?sequence_number=" + sequenceNumber + "&sequence_page=" + sequencePage)
                .header("Authorization", token)
                .GET()
                .build();
    }

    /** The server's {@code tern_subscribers} gauge: live subscriptions, waiting long polls included. */
    public double subscribers() {
        return send(request("/metrics").GET().build()).body().lines()
                .filter(l -> l.startsWith("tern_subscribers "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** Waits until at least {@code count} subscriptions are registered, so a live-only poll cannot miss a publish. */
    public void awaitSubscribers(int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (subscribers() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + count + " subscribers after 10 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** The long-poll answer's {@code items} array; fails unless the status is 200. */
    public static List<JsonNode> items(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new AssertionError("long poll answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode items = json(response.body()).get("items");
        if (items == null || !items.isArray()) {
            throw new AssertionError("long poll answer has no items array: " + response.body());
        }
        List<JsonNode> result = new ArrayList<>();
        items.forEach(result::add);
        return result;
    }

    public static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    public static String topicPath(String cache, String topic) {
        return "/topics/" + cache + "/" + topic;
    }

    public static String urlEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The inner {@code api_key} of a Momento v1 token. */
    public static String innerKey(String v1Token) {
        return json(new String(Base64.getDecoder().decode(v1Token), StandardCharsets.UTF_8)).get("api_key").asText();
    }

    /**
     * Sends one HTTP/1.1 request exactly as written (for request lines no well-behaved client produces, e.g. a
     * malformed percent-encoding) and answers the status code; the connection is closed afterwards.
     */
    public int rawStatus(String method, String rawPathAndQuery, String authorization, String body) {
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + rawPathAndQuery + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + tern.port() + "\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Content-Length: " + bodyBytes.length + "\r\n"
                + "Connection: close\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", tern.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(bodyBytes);
            out.flush();
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
                    .readLine();
            if (statusLine == null) {
                throw new AssertionError("the server closed the connection without answering " + rawPathAndQuery);
            }
            return Integer.parseInt(statusLine.split(" ")[1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI uri(String pathAndQuery) {
        return tern.uri(pathAndQuery);
    }

    public RunningTern tern() {
        return tern;
    }
}
