package dev.tern.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real webhook receiver on a loopback port (the JDK's HTTP server). It records every request it answers 2xx, and can
 * be stopped and started again on the same port, or told to misbehave for its next requests.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** How the receiver answers. */
    public enum Behaviour { ACCEPT, ERROR_500, LATE, DROP_CONNECTION, HUGE_BODY }

    /** One request received and confirmed. */
    public record Received(byte[] body, Map<String, List<String>> headers) {
        public JsonNode json() {
            return TernHttp.json(new String(body, StandardCharsets.UTF_8));
        }

        public String header(String name) {
            for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(name)) {
                    return entry.getValue().get(0);
                }
            }
            return null;
        }
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Behaviour> upcoming = new ArrayBlockingQueue<>(1000);
    private final Duration late;
    private int port;
    private HttpServer server;
    private volatile int misbehaved;

    private WebhookReceiver(Duration late) {
        this.late = late;
    }

    /** Starts a receiver on a free loopback port; {@code late} is how long a LATE answer waits. */
    public static WebhookReceiver start(Duration late) {
        WebhookReceiver receiver = new WebhookReceiver(late);
        receiver.up();
        return receiver;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** The next {@code count} requests are answered with {@code behaviour}, then ACCEPT again. */
    public void misbehave(Behaviour behaviour, int count) {
        for (int i = 0; i < count; i++) {
            upcoming.add(behaviour);
        }
    }

    /** Requests answered with something else than ACCEPT so far. */
    public int misbehaved() {
        return misbehaved;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Stops listening: connections are refused until {@link #up()}. */
    public void down() {
        server.stop(0);
    }

    /** Listens again, on the same port as before. */
    public void up() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        port = server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Behaviour behaviour = upcoming.poll();
        if (behaviour == null) {
            behaviour = Behaviour.ACCEPT;
        } else {
            misbehaved++;
        }
        switch (behaviour) {
            case ACCEPT -> {
                // Recorded before answering, so the list is in arrival order; a test that stops the receiver waits
                // for Tern's cursor, not just for this list, to know the answer arrived.
                received.add(new Received(body, Map.copyOf(exchange.getRequestHeaders())));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            }
            case ERROR_500 -> {
                exchange.sendResponseHeaders(500, -1);
                exchange.close();
            }
            case LATE -> {
                try {
                    TimeUnit.MILLISECONDS.sleep(late.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                try {
                    exchange.sendResponseHeaders(204, -1);
                } catch (IOException closed) {
                    // the sender gave up first, as it should
                }
                exchange.close();
            }
            case DROP_CONNECTION -> exchange.getHttpContext().getServer(); // closed below without an answer
            case HUGE_BODY -> {
                // 200 and a 10 MiB body: confirmed, but a sender must not read all of it.
                received.add(new Received(body, Map.copyOf(exchange.getRequestHeaders())));
                exchange.sendResponseHeaders(200, 10L * 1024 * 1024);
                try (OutputStream out = exchange.getResponseBody()) {
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 160; i++) {
                        out.write(chunk);
                    }
                } catch (IOException closed) {
                    // the sender closed the connection past its limit
                }
            }
        }
        if (behaviour == Behaviour.DROP_CONNECTION) {
            exchange.close(); // no status line: the sender sees the connection end mid-exchange
        }
    }

    /** Waits until {@code count} requests were confirmed; fails with what arrived otherwise. */
    public List<Received> awaitCount(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.size() < count) {
            if (System.nanoTime() > deadline) {
                List<String> bodies = new ArrayList<>();
                received.forEach(r -> bodies.add(new String(r.body(), StandardCharsets.UTF_8)));
                throw new AssertionError("expected " + count + " webhook requests, got " + received.size() + ": " + bodies);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return received();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
