package dev.tern.server;

import dev.tern.auth.ApiKeys;
import dev.tern.auth.Authorizer;
import dev.tern.auth.FileApiKeyStore;
import dev.tern.auth.FileRevocationStore;
import dev.tern.auth.RevocationList;
import dev.tern.auth.FileSigningKeyStore;
import dev.tern.auth.SigningKey;
import dev.tern.auth.SigningKeys;
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
import dev.tern.logging.LogFormat;
import dev.tern.limit.TopicCountLimit;
import dev.tern.limit.TopicCounter;
import dev.tern.metrics.TernMetrics;
import dev.tern.pubsub.CredentialWatch;
import dev.tern.pubsub.IdempotencyLedger;
import dev.tern.pubsub.IdempotentPublisher;
import dev.tern.pubsub.TopicGateway;
import dev.tern.redis.RedisApiKeyStore;
import dev.tern.redis.RedisBackend;
import dev.tern.redis.RedisRevocationStore;
import dev.tern.redis.RedisSigningKeyStore;
import dev.tern.redis.RedisCacheStore;
import dev.tern.redis.RedisIdempotencyKeys;
import dev.tern.redis.RedisPublishRates;
import dev.tern.redis.RedisSubscriptionCounts;
import dev.tern.redis.RedisSigningSecret;
import dev.tern.redis.RedisTopicCounts;
import dev.tern.redis.RedisTopicEngine;
import dev.tern.redis.RedisWebhookStore;
import dev.tern.storage.DataDirectory;
import dev.tern.topic.InMemoryTopicEngine;
import dev.tern.topic.TopicEngine;
import dev.tern.topic.TopicSettings;
import dev.tern.webhook.DestinationPolicy;
import dev.tern.webhook.FileWebhookStore;
import dev.tern.webhook.Network;
import dev.tern.webhook.RetrySchedule;
import dev.tern.webhook.WebhookDispatcher;
import dev.tern.webhook.WebhookRegistry;
import dev.tern.webhook.WebhookSender;
import dev.tern.webhook.WebhookStore;
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
import java.util.function.BooleanSupplier;

/** The composition root: builds every component by hand, starts them in order and stops them in reverse. */
public final class TernServer {
    private static final Logger LOG = LoggerFactory.getLogger(TernServer.class);
    static final String SUPER_USER_KEY_FILE = "superuser-api-key";
    static final String SUPER_USER_KEY_V2_FILE = "superuser-api-key-v2";

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
    /** Set once the super-user key is in place; re-signs it after signing-key rotations. */
    private volatile ApiKeys apiKeys;
    private WebhookDispatcher webhookDispatcher;
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
                ? RedisBackend.connect(config.redisUrl(), config.redisTimeout(), config.redisMinReplicas()) : null;
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
        SigningKey firstKey = redis != null ? RedisSigningSecret.loadOrCreate(redis) : SigningKey.loadOrCreate(dataDirectory);
        SigningKeys signingKeys = new SigningKeys(firstKey,
                redis != null ? new RedisSigningKeyStore(redis) : new FileSigningKeyStore(dataDirectory), clock);
        TokenCodec codec = new TokenCodec(signingKeys);
        Authorizer authorizer = new Authorizer();
        // Without --public-endpoint, tokens name the port actually bound (which differs from --port 0).
        TokenIssuer issuer = new TokenIssuer(codec, authorizer, clock,
                () -> config.publicEndpoint() != null ? config.publicEndpoint() : "localhost:" + port);
        RevocationList revocations = new RevocationList(
                redis != null ? new RedisRevocationStore(redis) : new FileRevocationStore(dataDirectory), clock);
        TokenVerifier verifier = new TokenVerifier(codec, clock, revocations);
        // After a rotation (here or on another node) or the end of a grace period: verified credentials are checked
        // again, and the keys in the data directory are signed anew so they keep working.
        signingKeys.onChange(() -> {
            verifier.forgetVerified();
            ApiKeys keys = this.apiKeys;
            if (keys != null) {
                resignSuperUserKey(keys);
            }
        });
        vertx.setPeriodic(1_000, id -> signingKeys.pruneRetired());
        ApiKeys apiKeys = new ApiKeys(codec, verifier, authorizer,
                redis != null ? new RedisApiKeyStore(redis) : new FileApiKeyStore(dataDirectory, clock), revocations, clock,
                () -> config.publicEndpoint() != null ? config.publicEndpoint() : "localhost:" + port);

        CacheRegistry caches = redis != null ? new CacheRegistry(new RedisCacheStore(redis)) : new CacheRegistry(dataDirectory);
        TernMetrics metrics = new TernMetrics(engine.stats());
        BooleanSupplier ready = () -> readiness.getAsBoolean() && engine.isAvailable();
        metrics.watchHealth(ready, redis != null ? "redis" : "memory", engine::isAvailable);
        TopicCountLimit topicCounts = redis != null
                ? new RedisTopicCounts(redis, (RedisTopicEngine) engine, config.bounds().maxTopics(),
                        name -> caches.find(name).map(cache -> cache.limits().maxTopicCount() > 0).orElse(false))
                : new TopicCounter(engine, config.bounds().maxTopics(), config.topicIdleTimeout());
        TopicGateway gateway = new TopicGateway(verifier, authorizer, caches,
                redis != null ? new RedisPublishRates(redis) : new PublishRateLimiter(),
                redis != null ? new RedisSubscriptionCounts(redis) : new SubscriptionCounter(),
                topicCounts, engine, metrics,
                new CredentialWatch(verifier, revocations));
        DestinationPolicy destinations = destinationPolicy(config.webhooks());
        WebhookStore webhookStore = redis != null ? new RedisWebhookStore(redis) : new FileWebhookStore(dataDirectory);
        WebhookRegistry webhooks = new WebhookRegistry(webhookStore, caches, destinations, config.webhooks().maxPerCache());
        webhookDispatcher = new WebhookDispatcher(vertx, webhooks, webhookStore, gateway,
                new WebhookSender(vertx, config.webhooks(), destinations),
                new RetrySchedule(config.webhooks().initialBackoff(), config.webhooks().maxBackoff()), metrics,
                redis != null, java.util.UUID.randomUUID().toString());
        Handler<HttpServerRequest> http = HttpApi.handler(new HttpApi.Dependencies(vertx, gateway, caches, authorizer, issuer,
                apiKeys, signingKeys, metrics,
                config.defaultTopicLimits(), config.longPollTimeout(), config.accessLog(),
                ready, config.browser(), webhooks, webhookDispatcher,
                new IdempotentPublisher(gateway, redis != null ? new RedisIdempotencyKeys(redis) : IdempotencyLedger.LOCAL,
                        config.idempotencyWindow())));
        MomentoGrpc grpc = MomentoGrpc.create(new MomentoGrpc.Dependencies(vertx, gateway, caches, authorizer, issuer,
                apiKeys, metrics, config.defaultTopicLimits(), config.grpcHeartbeatInterval(), config.browser(), webhooks,
                config.accessLog()));
        // One port for both protocols: gRPC and gRPC-Web by content type, everything else to the HTTP routes (whose
        // front door keeps the access log of its own requests; gRPC Publish calls answered below Vert.x log their own).
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
            ensureSuperUserKey(apiKeys, verifier);
            webhookDispatcher.start(config.eventLoops());
            readiness.set(true);
            LOG.info("Tern listening on {}:{}{} with data directory {} ({}, {} event loops)", config.host(), port,
                    config.mainPortTls() ? " (TLS)" : tlsPort >= 0 ? " and TLS on port " + tlsPort : "",
                    dataDirectory.root(), transportChoice.description(), config.eventLoops());
            if (redis != null) {
                LOG.info("Topics, caches and the signing key are shared through Redis at {}", redis.url());
            }
        });
    }

    /** Link-local and metadata networks refused by default, plus the configured ones; see {@link DestinationPolicy}. */
    private static DestinationPolicy destinationPolicy(dev.tern.config.WebhookConfig settings) {
        List<Network> denied = new java.util.ArrayList<>();
        DestinationPolicy.DEFAULT_DENIED.forEach(network -> denied.add(Network.parse(network)));
        settings.deniedNetworks().forEach(network -> denied.add(Network.parse(network)));
        return new DestinationPolicy(settings.allowedNetworks().stream().map(Network::parse).toList(), denied);
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

    /**
     * Makes sure the data directory holds a working super-user key, in v1 form ({@code superuser-api-key}) and in v2
     * form ({@code superuser-api-key-v2}): the same key (one id, revoked together), for
     * {@code CredentialProvider.fromApiKeyV2}.
     */
    private void ensureSuperUserKey(ApiKeys apiKeys, TokenVerifier verifier) {
        if (dataDirectory.read(SUPER_USER_KEY_FILE).isPresent()) {
            if (signedByCurrentKey(verifier)) {
                LOG.info("Super-user API key is in {}", superUserKeyFile());
                this.apiKeys = apiKeys;
                resignSuperUserKey(apiKeys);
                return;
            }
            // E.g. a node moved to --engine redis, or the key was revoked: it is replaced.
            LOG.warn("The super-user API key in {} does not work (another signing key, or revoked); creating a new one", superUserKeyFile());
        }
        this.apiKeys = apiKeys;
        String key = apiKeys.bootstrapSuperUserKey().apiKey();
        dataDirectory.writeAtomically(SUPER_USER_KEY_FILE, (key + "\n").getBytes(StandardCharsets.UTF_8));
        writeV2SuperUserKey(apiKeys, key);
        if (LogFormat.current() == LogFormat.JSON) {
            // A log collector is no place for a key that can do anything: say only where it is.
            LOG.info("Created a super-user API key in {}", superUserKeyFile());
            return;
        }
        System.out.println("Created a super-user API key (also saved to " + superUserKeyFile() + "):");
        System.out.println();
        System.out.println("    " + key);
        System.out.println();
    }

    /** Signs the data directory's super-user key anew with the current signing key (same id), when it is not. */
    private synchronized void resignSuperUserKey(ApiKeys apiKeys) {
        try {
            String key = superUserKey();
            String resigned = apiKeys.resigned(key);
            if (!resigned.equals(key)) {
                dataDirectory.writeAtomically(SUPER_USER_KEY_FILE, (resigned + "\n").getBytes(StandardCharsets.UTF_8));
                LOG.info("Signed the super-user API key in {} with the new signing key", superUserKeyFile());
            }
            writeV2SuperUserKey(apiKeys, resigned);
        } catch (RuntimeException e) {
            LOG.warn("could not sign the super-user API key in {} anew: {}", superUserKeyFile(), e.getMessage());
        }
    }

    private void writeV2SuperUserKey(ApiKeys apiKeys, String v1Key) {
        byte[] v2 = (apiKeys.asV2(v1Key) + "\n").getBytes(StandardCharsets.UTF_8);
        if (!java.util.Arrays.equals(dataDirectory.read(SUPER_USER_KEY_V2_FILE).orElse(null), v2)) {
            dataDirectory.writeAtomically(SUPER_USER_KEY_V2_FILE, v2);
        }
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
        if (webhookDispatcher != null) {
            webhookDispatcher.stop(); // first: its cursors are saved while the engine still answers
        }
        engine.close();
        return vertx.close().eventually(() -> {
            if (redis != null) {
                redis.close();
            }
            return Future.succeededFuture();
        });
    }
}
