package dev.tern.server;

import dev.tern.auth.Authorizer;
import dev.tern.auth.SigningKey;
import dev.tern.auth.TokenCodec;
import dev.tern.auth.TokenIssuer;
import dev.tern.auth.TokenVerifier;
import dev.tern.cache.CacheRegistry;
import dev.tern.config.TernConfig;
import dev.tern.grpc.MomentoGrpc;
import dev.tern.http.AccessLog;
import dev.tern.http.HttpApi;
import dev.tern.http.stream.WebSocketRoute;
import dev.tern.limit.PublishRateLimiter;
import dev.tern.limit.SubscriptionCounter;
import dev.tern.limit.TopicCountLimit;
import dev.tern.metrics.TernMetrics;
import dev.tern.pubsub.TopicGateway;
import dev.tern.redis.RedisBackend;
import dev.tern.redis.RedisCacheStore;
import dev.tern.redis.RedisPublishRates;
import dev.tern.redis.RedisSubscriptionCounts;
import dev.tern.redis.RedisSigningSecret;
import dev.tern.redis.RedisTopicEngine;
import dev.tern.storage.DataDirectory;
import dev.tern.topic.InMemoryTopicEngine;
import dev.tern.topic.TopicEngine;
import dev.tern.topic.TopicSettings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The composition root: builds every component by hand, starts them in order and stops them in reverse. */
public final class TernServer {
    private static final Logger LOG = LoggerFactory.getLogger(TernServer.class);
    static final String SUPER_USER_KEY_FILE = "superuser-api-key";

    private final TernConfig config;
    private final Vertx vertx;
    private final DataDirectory dataDirectory;
    private final TopicEngine engine;
    /** The shared Redis with {@code --engine redis}; null with the in-memory engine. */
    private final RedisBackend redis;
    private final Transport transport;
    /** The transport and, when --transport auto passed over a faster one, why. */
    private final NetworkTransport.Choice transportChoice;
    private final Readiness readiness = new Readiness();
    private final ConnectionLimit connections;
    private int port;
    private int tlsPort = -1;

    private TernServer(TernConfig config) {
        this.config = config;
        this.transportChoice = NetworkTransport.select(config.transport()); // first: it may refuse to start
        this.transport = transportChoice.transport();
        if (!transportChoice.passedOver().isEmpty()) {
            LOG.warn("Serving with {}: {} (a container's seccomp profile may block io_uring; allowing it is faster, "
                    + "see --transport)", transport.name(), String.join("; ", transportChoice.passedOver()));
        }
        this.dataDirectory = new DataDirectory(config.dataDir());
        TopicSettings settings = new TopicSettings(config.historyMessages(), config.historyBytes(),
                config.topicIdleTimeout(), config.bounds().maxHistoryMemory());
        this.connections = new ConnectionLimit(config.bounds().maxConnections());
        this.redis = config.engine() == TernConfig.Engine.REDIS
                ? RedisBackend.connect(config.redisUrl(), config.redisTimeout()) : null;
        // One event loop per core by default (not Vert.x's two): measured, fewer loops than that wake less often and
        // fan out with less CPU per delivery (docs/performance.md).
        this.vertx = Vertx.builder()
                .with(new VertxOptions().setEventLoopPoolSize(config.eventLoops()))
                .withTransport(transport)
                .build();
        this.engine = redis != null ? new RedisTopicEngine(redis, settings) : new InMemoryTopicEngine(vertx, settings);
    }

    /** Starts a server; the future completes once it accepts requests. */
    public static Future<TernServer> start(TernConfig config) {
        TernServer server;
        try {
            server = new TernServer(config);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        Future<Void> started;
        try {
            started = server.startComponents();
        } catch (RuntimeException e) {
            started = Future.failedFuture(e);
        }
        // A plain promise: its listeners must still run after a failed start has closed the server's Vert.x.
        Promise<TernServer> result = Promise.promise();
        started.onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(server);
            } else {
                result.fail(ar.cause());
                server.stop();
            }
        });
        return result.future();
    }

    private Future<Void> startComponents() {
        Clock clock = Clock.systemUTC();
        SigningKey signingKey = redis != null ? RedisSigningSecret.loadOrCreate(redis) : SigningKey.loadOrCreate(dataDirectory);
        TokenCodec codec = new TokenCodec(signingKey);
        Authorizer authorizer = new Authorizer();
        // Without --public-endpoint, tokens name the port actually bound (which differs from --port 0).
        TokenIssuer issuer = new TokenIssuer(codec, authorizer, clock,
                () -> config.publicEndpoint() != null ? config.publicEndpoint() : "localhost:" + port);
        TokenVerifier verifier = new TokenVerifier(codec, clock);

        CacheRegistry caches = redis != null ? new CacheRegistry(new RedisCacheStore(redis)) : new CacheRegistry(dataDirectory);
        TernMetrics metrics = new TernMetrics(engine.stats());
        TopicGateway gateway = new TopicGateway(verifier, authorizer, caches,
                redis != null ? new RedisPublishRates(redis) : new PublishRateLimiter(),
                redis != null ? new RedisSubscriptionCounts(redis) : new SubscriptionCounter(),
                new TopicCountLimit(engine, config.bounds().maxTopics(), config.topicIdleTimeout()), engine, metrics);
        Handler<HttpServerRequest> http = HttpApi.handler(new HttpApi.Dependencies(vertx, gateway, caches, authorizer, issuer, metrics,
                config.defaultTopicLimits(), config.longPollTimeout(), config.accessLog(),
                () -> readiness.getAsBoolean() && engine.isAvailable(), config.browser()));
        MomentoGrpc grpc = MomentoGrpc.create(new MomentoGrpc.Dependencies(vertx, gateway, caches, authorizer, issuer,
                metrics, config.defaultTopicLimits(), config.grpcHeartbeatInterval(), config.browser()));
        // One port for both protocols: gRPC and gRPC-Web by content type, everything else to the HTTP routes (whose
        // front door keeps the access log of its own requests).
        boolean accessLog = config.accessLog();
        Handler<HttpServerRequest> dispatch = request -> {
            if (MomentoGrpc.accepts(request)) {
                if (accessLog) {
                    AccessLog.track(request);
                }
                grpc.handle(request);
            } else {
                http.handle(request);
            }
        };

        Future<Void> listening = deployHttp(dispatch, config.port(), config.mainPortTls(), -1).map(actual -> {
            port = actual;
            return null;
        });
        if (config.tlsPort() != null) {
            listening = listening.compose(v -> deployHttp(dispatch, config.tlsPort(), true, -2)).map(actual -> {
                tlsPort = actual;
                return null;
            });
        }
        return listening.onSuccess(v -> {
            ensureSuperUserKey(issuer, verifier);
            readiness.set(true);
            LOG.info("Tern listening on {}:{}{} with data directory {} ({}, {} event loops)", config.host(), port,
                    config.mainPortTls() ? " (TLS)" : tlsPort >= 0 ? " and TLS on port " + tlsPort : "",
                    dataDirectory.root(), transportChoice.description(), config.eventLoops());
            if (redis != null) {
                LOG.info("Topics, caches and the signing key are shared through Redis at {}", redis.url());
            }
        });
    }

    /**
     * One listener per event loop, all on one port. Vert.x shares a listening socket only between servers asking for
     * the same port, and never for port 0, so a free port is asked for as a negative number: Vert.x's "random port,
     * shared by every server that asks for the same negative number" ({@code randomKey} keeps the main and the TLS
     * listener apart). Completes with the port bound.
     */
    private Future<Integer> deployHttp(Handler<HttpServerRequest> handler, int requestedPort, boolean tls, int randomKey) {
        int listenPort = requestedPort == 0 ? randomKey : requestedPort;
        List<HttpVerticle> listeners = new CopyOnWriteArrayList<>();
        return vertx.deployVerticle(() -> {
                    HttpVerticle listener = new HttpVerticle(httpOptions(listenPort, tls), handler, connections);
                    listeners.add(listener);
                    return listener;
                }, new DeploymentOptions().setInstances(config.eventLoops()))
                .map(id -> listeners.get(0).actualPort());
    }


    /**
     * HTTP/1.1 and HTTP/2 on every listener: cleartext HTTP/2 (prior knowledge or upgrade) for gRPC without TLS,
     * ALPN with TLS. Netty answers HTTP/2 pings without policing them, so SDK keepalives every few seconds, with or
     * without active calls, are fine.
     * <p>
     * Strict thread mode: an HTTP/1.1 connection writes straight to its channel instead of through a queue that other
     * threads could feed, which saves about 5 KiB per open connection and a queue hop per response. It holds because
     * Tern touches a request only on its connection's event loop: engines and Redis hand every result and every
     * delivery back to the caller's context (see docs/architecture.md); a write from another thread would throw.
     */
    private HttpServerOptions httpOptions(int listenPort, boolean tls) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.host())
                .setPort(listenPort)
                .setTcpNoDelay(true)
                .setCompressionSupported(false)
                .setHttp2ClearTextEnabled(true)
                .setIdleTimeout(0)
                .setStrictThreadMode(true)
                .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(config.bounds().maxStreamsPerConnection()))
                .setMaxWebSocketFrameSize(WebSocketRoute.MAX_MESSAGE_BYTES)
                .setMaxWebSocketMessageSize(WebSocketRoute.MAX_MESSAGE_BYTES);
        if (tls) {
            options.setSsl(true)
                    .setUseAlpn(true)
                    .setKeyCertOptions(new PemKeyCertOptions()
                            .setCertPath(config.tlsCert().toString())
                            .setKeyPath(config.tlsKey().toString()));
        }
        return options;
    }

    private void ensureSuperUserKey(TokenIssuer issuer, TokenVerifier verifier) {
        if (dataDirectory.read(SUPER_USER_KEY_FILE).isPresent()) {
            if (signedByCurrentKey(verifier)) {
                LOG.info("Super-user API key is in {}", superUserKeyFile());
                return;
            }
            // E.g. a node moved to --engine redis: its old key was signed by another secret and is replaced.
            LOG.warn("The super-user API key in {} is not signed by the current signing key; creating a new one", superUserKeyFile());
        }
        String key = issuer.superUserApiKey();
        dataDirectory.writeAtomically(SUPER_USER_KEY_FILE, (key + "\n").getBytes(StandardCharsets.UTF_8));
        System.out.println("Created a super-user API key (also saved to " + superUserKeyFile() + "):");
        System.out.println();
        System.out.println("    " + key);
        System.out.println();
    }

    private boolean signedByCurrentKey(TokenVerifier verifier) {
        try {
            verifier.authenticate(superUserKey());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** The network transport serving connections: io_uring, epoll or nio. */
    public String transport() {
        return transport.name();
    }

    /** The extra TLS listener's port, or -1 when there is none. */
    public int tlsPort() {
        return tlsPort;
    }

    public Path superUserKeyFile() {
        return dataDirectory.path(SUPER_USER_KEY_FILE);
    }

    /** The super-user API key stored in the data directory. */
    public String superUserKey() {
        return dataDirectory.read(SUPER_USER_KEY_FILE)
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8).trim())
                .orElseThrow();
    }

    /** Stops taking traffic, ends every subscription, lets in-flight requests finish, then releases everything. */
    public Future<Void> stop() {
        readiness.set(false);
        engine.close();
        return vertx.close().eventually(() -> {
            if (redis != null) {
                redis.close();
            }
            return Future.succeededFuture();
        });
    }
}
