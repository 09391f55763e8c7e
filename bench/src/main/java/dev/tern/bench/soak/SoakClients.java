package dev.tern.bench.soak;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

import java.util.concurrent.ThreadLocalRandom;

/**
 * What every soak client shares: the server's address, the tokens, the counters and the Vert.x clients. Connects
 * may take up to 120 s: a bound for a hang, not a timing check (a busy shared machine takes seconds to connect).
 */
final class SoakClients implements AutoCloseable {
    final Vertx vertx;
    final String host;
    final int port;
    final Tokens tokens;
    final SoakStats stats;
    /** Publishing lanes (HTTP, gRPC and the cache cycle's), for the subscribers' per-lane checks. */
    final int lanes;
    /** A subscriber connection lives this long (uniformly drawn) before its client closes it. */
    final long minLifeMillis;
    final long maxLifeMillis;
    /** Event streams: one connection per stream, closed when it ends, so every reconnect is a new connection. */
    final HttpClientAgent streams;
    /** Publishes and long polls: keep-alive connections, closed now and then on purpose. */
    final HttpClientAgent requests;
    final WebSocketClient webSockets;
    private volatile boolean churning = true;

    SoakClients(Vertx vertx, String host, int port, Tokens tokens, SoakStats stats, int lanes, long minLifeMillis,
                long maxLifeMillis) {
        this.vertx = vertx;
        this.host = host;
        this.port = port;
        this.tokens = tokens;
        this.stats = stats;
        this.lanes = lanes;
        this.minLifeMillis = minLifeMillis;
        this.maxLifeMillis = maxLifeMillis;
        this.streams = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setConnectTimeout(120_000)
                .setDefaultHost(host).setDefaultPort(port), new PoolOptions().setHttp1MaxSize(2_000));
        this.requests = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(120_000)
                .setDefaultHost(host).setDefaultPort(port), new PoolOptions().setHttp1MaxSize(2_000));
        this.webSockets = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(120_000)
                .setDefaultHost(host).setDefaultPort(port).setMaxConnections(2_000));
    }

    /** How long the next subscriber connection lives before its client closes it; 0 while churn is off. */
    long nextLifeMillis() {
        return churning ? ThreadLocalRandom.current().nextLong(minLifeMillis, maxLifeMillis + 1) : 0;
    }

    boolean churning() {
        return churning;
    }

    /** Stops client-side churn (the final drain); expiring tokens still end streams. */
    void stopChurn() {
        churning = false;
    }

    @Override
    public void close() {
        streams.close();
        requests.close();
        webSockets.close();
    }
}
