package dev.tern.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The HTTP calls the command-line client makes; a non-2xx answer becomes an {@link ApiError}. */
final class TernClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String token;

    TernClient(ClientOptions options) {
        this.base = options.baseUri();
        this.token = options.token();
    }

    /** Thrown for an answer outside 2xx: carries the status and the server's message. */
    static final class ApiError extends RuntimeException {
        final int status;

        ApiError(int status, String body) {
            super("HTTP " + status + ": " + body.trim());
            this.status = status;
        }
    }

    String send(String method, String path, String contentType, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new ApiError(response.statusCode(), response.body());
        }
        return response.body();
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
