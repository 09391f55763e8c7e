package dev.tern.http.stream;

import dev.tern.testing.RunningTern;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A subscriber reading a Tern event stream with a real HTTP client and {@link SseParser}. */
final class SseTestClient implements AutoCloseable {
    private final HttpResponse<InputStream> response;
    private final BlockingQueue<SseParser.Event> events = new LinkedBlockingQueue<>();
    final List<String> comments = new CopyOnWriteArrayList<>();
    final List<Long> retries = new CopyOnWriteArrayList<>();
    private volatile boolean ended;
    private final Thread reader;

    private SseTestClient(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code path} with {@code Accept: text/event-stream} and extra headers (name, value, ...). */
    static HttpResponse<InputStream> open(RunningTern tern, String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(tern.uri(path)).GET()
                .header("Accept", "text/event-stream");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Subscribes and fails unless the stream starts (200, text/event-stream). */
    static SseTestClient subscribe(RunningTern tern, String path, String... headers) {
        HttpResponse<InputStream> response = open(tern, path, headers);
        if (response.statusCode() != 200) {
            throw new AssertionError("stream refused with " + response.statusCode() + ": " + bodyOf(response));
        }
        return new SseTestClient(response);
    }

    static String bodyOf(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<unreadable: " + e + ">";
        }
    }

    HttpResponse<InputStream> response() {
        return response;
    }

    private void read() {
        try (InputStream in = response.body()) {
            new SseParser(new SseParser.Handler() {
                @Override
                public void onEvent(SseParser.Event event) {
                    events.add(event);
                }

                @Override
                public void onComment(String comment) {
                    comments.add(comment);
                }

                @Override
                public void onRetry(long millis) {
                    retries.add(millis);
                }
            }).readAll(in);
        } catch (IOException e) {
            // closed by the test or the server
        } finally {
            ended = true;
        }
    }

    /** The next event, failing after a while. */
    SseParser.Event next() {
        try {
            SseParser.Event event = events.poll(10, TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("no event within 10 s (stream ended: " + ended + ")");
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    List<SseParser.Event> next(int count) {
        List<SseParser.Event> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(next());
        }
        return list;
    }

    /** An event arriving within {@code wait}, or null. */
    SseParser.Event poll(Duration wait) throws InterruptedException {
        return events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True once the server closed the stream. */
    boolean awaitEnd(Duration wait) throws InterruptedException {
        reader.join(wait.toMillis());
        return ended;
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
