package dev.tern.bench.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The super-user's side of the soak: creating and deleting caches and minting disposable tokens, over HTTP with the
 * super-user API key. Blocking calls, made from the soak's own threads (never from an event loop).
 */
final class Admin {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(120)).build();
    private final String base;
    private final String superUserKey;

    Admin(String host, int port, String superUserKey) {
        this.base = "http://" + host + ":" + port;
        this.superUserKey = superUserKey;
    }

    /** Creates a cache with no rate or subscription limit (the soak measures the server, not its limits). */
    int createCache(String name) throws IOException, InterruptedException {
        return send("PUT", "/caches/" + name, "{\"max_publish_rate\":0,\"max_subscription_count\":0}").statusCode();
    }

    int deleteCache(String name) throws IOException, InterruptedException {
        return send("DELETE", "/caches/" + name, null).statusCode();
    }

    /** A disposable token that may publish and subscribe on every topic of every cache, valid for {@code seconds}. */
    String mintToken(int seconds) throws IOException, InterruptedException {
        HttpResponse<String> response = send("POST", "/tokens", "{\"expires_in_seconds\":" + seconds
                + ",\"token_id\":\"soak\",\"permissions\":[{\"role\":\"publishsubscribe\",\"cache\":\"*\",\"topic\":\"*\"}]}");
        if (response.statusCode() != 200) {
            throw new IOException("POST /tokens answered " + response.statusCode() + ": " + response.body());
        }
        String body = response.body();
        int at = body.indexOf("\"token\":\"");
        int end = at < 0 ? -1 : body.indexOf('"', at + 9);
        if (end < 0) {
            throw new IOException("no token in " + body);
        }
        return body.substring(at + 9, end);
    }

    /** True when {@code /readyz} answers 200. */
    boolean ready() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One publish with the given token; the status. */
    int publish(String cache, String topic, String token, byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/topics/" + cache + "/" + topic))
                .timeout(Duration.ofSeconds(120)).header("Authorization", token).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .header("Authorization", superUserKey);
        if (json != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
