package dev.tern.cli;

import dev.tern.cache.TopicLimits;
import dev.tern.config.ResourceBounds;
import dev.tern.config.BrowserConfig;
import dev.tern.config.TernConfig;
import dev.tern.config.WebhookConfig;
import dev.tern.error.TernException;
import dev.tern.logging.LogFormat;
import dev.tern.server.TernServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code tern serve}: runs the server until SIGTERM or Ctrl-C, then shuts down gracefully. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Start the Tern server. Every option can also be set as TERN_<OPTION> (e.g. TERN_DATA_DIR) or in the config file.")
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Config file (Java properties: port = 8080).")
    Path configFile;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = "./data", description = "Where keys and caches are kept (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--public-endpoint", paramLabel = "HOST[:PORT]",
            description = "Endpoint written into tokens (default: localhost:<port>).")
    String publicEndpoint;

    @Option(names = "--history-messages", defaultValue = "1000",
            description = "Messages kept per topic for resume (default: ${DEFAULT-VALUE}).")
    int historyMessages;

    @Option(names = "--history-bytes", defaultValue = "1048576",
            description = "Bytes kept per topic for resume (default: ${DEFAULT-VALUE}).")
    long historyBytes;

    @Option(names = "--topic-idle-timeout", defaultValue = "10m", converter = DurationConverter.class,
            description = "Forget a topic with no subscribers and no publishes for this long (default: ${DEFAULT-VALUE}).")
    Duration topicIdleTimeout;

    @Option(names = "--long-poll-timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "Longest wait of a long-poll request (default: ${DEFAULT-VALUE}).")
    Duration longPollTimeout;

    @Option(names = "--default-max-publish-rate", defaultValue = "0",
            description = "Messages/s per cache for caches created without limits; 0 = unlimited (default: ${DEFAULT-VALUE}).")
    int defaultMaxPublishRate;

    @Option(names = "--default-max-subscription-count", defaultValue = "0",
            description = "Subscriptions per cache for caches created without limits; 0 = unlimited (default: ${DEFAULT-VALUE}).")
    int defaultMaxSubscriptionCount;

    @Option(names = "--default-max-message-size-kb", defaultValue = "4",
            description = "Largest message in KiB for caches created without limits (default: ${DEFAULT-VALUE}, as Momento).")
    int defaultMaxMessageSizeKb;

    @Option(names = "--default-max-topic-count", defaultValue = "0",
            description = "Topics per cache for caches created without limits; 0 = unlimited (default: ${DEFAULT-VALUE}).")
    int defaultMaxTopicCount;

    @Option(names = "--max-topics", paramLabel = "N|auto", defaultValue = "auto",
            description = "Topics this node holds at once; publishes and subscribes that would create more get 429 "
                    + "(default: ${DEFAULT-VALUE}, one per 16 KiB of the maximum heap).")
    String maxTopics;

    @Option(names = "--max-history-memory", paramLabel = "SIZE|auto", defaultValue = "auto",
            description = "Bytes of message history across all topics (e.g. 256m); past it the idlest topics' "
                    + "history is dropped first (default: ${DEFAULT-VALUE}, a quarter of the maximum heap).")
    String maxHistoryMemory;

    @Option(names = "--max-connections", defaultValue = "20000",
            description = "Open client connections; past it a connection's requests get 503 and it is closed (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-streams-per-connection", defaultValue = "1000",
            description = "Concurrent HTTP/2 streams (gRPC calls) per connection (default: ${DEFAULT-VALUE}).")
    int maxStreamsPerConnection;

    @Option(names = "--access-log", arity = "1", defaultValue = "true",
            description = "Log one line per HTTP request (default: ${DEFAULT-VALUE}).")
    boolean accessLog;

    @Option(names = "--log-format", defaultValue = "text", paramLabel = "text|json",
            description = "Log as text lines or as one JSON object per line, the access log included (default: ${DEFAULT-VALUE}).")
    String logFormat;

    @Option(names = "--cors-allowed-origins", paramLabel = "ORIGINS", defaultValue = "*",
            description = "Comma-separated origins that browsers may call Tern from, or * for any, without credentials (default: ${DEFAULT-VALUE}).")
    String corsAllowedOrigins;

    @Option(names = "--sse-heartbeat-interval", defaultValue = "15s", converter = DurationConverter.class,
            description = "Comment line sent on an idle Server-Sent Events stream this often (default: ${DEFAULT-VALUE}).")
    Duration sseHeartbeatInterval;

    @Option(names = "--sse-retry", defaultValue = "2s", converter = DurationConverter.class,
            description = "Reconnection delay suggested to EventSource clients (default: ${DEFAULT-VALUE}).")
    Duration sseRetry;

    @Option(names = "--websocket-ping-interval", defaultValue = "20s", converter = DurationConverter.class,
            description = "WebSocket ping (and idle heartbeat frame) interval; no pong for two intervals disconnects (default: ${DEFAULT-VALUE}).")
    Duration webSocketPingInterval;

    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "TLS certificate chain (PEM); with --tls-key the main port speaks TLS (HTTP/2 via ALPN), "
                    + "or, with --tls-port, an extra listener does. `tern cert` makes a development certificate.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key of --tls-cert (PEM: PKCS#8, or PKCS#1 for RSA).")
    Path tlsKey;

    @Option(names = "--tls-port", paramLabel = "PORT",
            description = "Serve TLS on this extra port and keep the main port plaintext (e.g. 443 for the Java SDK's topic client).")
    Integer tlsPort;

    @Option(names = "--event-loops", defaultValue = "0",
            description = "Event-loop threads serving connections (0: one per core, the default).")
    int eventLoops;

    @Option(names = "--transport", defaultValue = "auto", paramLabel = "auto|io_uring|epoll|nio",
            description = "Network transport: auto (io_uring where the kernel allows it, else epoll, else Java NIO), or one by name (default: ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = "--grpc-heartbeat-interval", defaultValue = "15s", converter = DurationConverter.class,
            description = "Heartbeat cadence on idle gRPC subscriptions (default: ${DEFAULT-VALUE}).")
    Duration grpcHeartbeatInterval;

    @Option(names = "--engine", defaultValue = "memory", paramLabel = "memory|redis",
            description = "Where topics live: memory (this process) or redis (shared by every node using the same Redis) (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--redis-url", paramLabel = "URL",
            description = "Redis for --engine redis: redis://[:password@]host:port[/db], or rediss:// for TLS; for a Redis Cluster, one or more seed URLs, comma-separated; behind Sentinel, redis+sentinel://[:password@]host1:26379,host2:26379/mymaster[/db][?sentinel_password=…] (rediss+sentinel:// for TLS).")
    String redisUrl;

    @Option(names = "--redis-timeout", defaultValue = "2s", converter = DurationConverter.class,
            description = "Longest wait for Redis before a request fails with 503 (default: ${DEFAULT-VALUE}).")
    Duration redisTimeout;

    @Option(names = "--redis-min-replicas", defaultValue = "0", paramLabel = "N",
            description = "With --engine redis: a publish is acknowledged only once N replicas hold it (Redis WAIT), else 503 (default: ${DEFAULT-VALUE}).")
    int redisMinReplicas;

    @Option(names = "--webhook-request-timeout", defaultValue = "5s", converter = DurationConverter.class,
            description = "Longest wait for a webhook receiver's answer before the attempt counts as failed (default: ${DEFAULT-VALUE}, as Momento).")
    Duration webhookRequestTimeout;

    @Option(names = "--webhook-retry-initial-backoff", defaultValue = "1s", converter = DurationConverter.class,
            description = "Wait before retrying a failed webhook delivery; doubles per failure, with jitter (default: ${DEFAULT-VALUE}).")
    Duration webhookInitialBackoff;

    @Option(names = "--webhook-retry-max-backoff", defaultValue = "60s", converter = DurationConverter.class,
            description = "Longest wait between webhook delivery retries (default: ${DEFAULT-VALUE}).")
    Duration webhookMaxBackoff;

    @Option(names = "--webhook-max-per-cache", defaultValue = "100",
            description = "Webhooks a cache may have; 0 = unlimited (default: ${DEFAULT-VALUE}).")
    int webhookMaxPerCache;

    @Option(names = "--webhook-allowed-networks", paramLabel = "CIDRS", defaultValue = "",
            description = "Comma-separated networks webhooks may deliver to (they override the denied ones); empty: any not denied.")
    String webhookAllowedNetworks;

    @Option(names = "--webhook-denied-networks", paramLabel = "CIDRS", defaultValue = "",
            description = "Comma-separated networks webhooks may not deliver to, besides link-local and cloud metadata addresses.")
    String webhookDeniedNetworks;

    @Option(names = "--webhook-trust-store", paramLabel = "PEM",
            description = "CA certificates (PEM) trusted for https webhook destinations, besides the JDK's.")
    Path webhookTrustStore;

    @Option(names = "--webhook-max-connections", defaultValue = "32",
            description = "Connections kept open to one webhook destination address (default: ${DEFAULT-VALUE}).")
    int webhookMaxConnections;

    @Option(names = "--idempotency-window", defaultValue = "5m", converter = DurationConverter.class,
            description = "How long an Idempotency-Key is remembered: a repeat within it publishes nothing (default: ${DEFAULT-VALUE}).")
    Duration idempotencyWindow;

    /** The configuration these options describe; fails with a usage message on impossible values. */
    public TernConfig toConfig() {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535");
        }
        if (longPollTimeout.isZero() || topicIdleTimeout.isZero()) {
            throw new IllegalArgumentException("--long-poll-timeout and --topic-idle-timeout must be positive");
        }
        TopicLimits limits;
        try {
            limits = new TopicLimits(defaultMaxPublishRate, defaultMaxSubscriptionCount, defaultMaxMessageSizeKb,
                    defaultMaxTopicCount);
        } catch (TernException e) {
            throw new IllegalArgumentException("default limits: " + e.getMessage());
        }
        if (historyMessages < 1 || historyBytes < 1) {
            throw new IllegalArgumentException("--history-messages and --history-bytes must be at least 1");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (tlsPort != null && (tlsCert == null || tlsPort < 0 || tlsPort > 65535)) {
            throw new IllegalArgumentException("--tls-port needs --tls-cert and --tls-key, and a port between 0 and 65535");
        }
        if (grpcHeartbeatInterval.isZero() || grpcHeartbeatInterval.isNegative()) {
            throw new IllegalArgumentException("--grpc-heartbeat-interval must be positive");
        }
        TernConfig.Engine engineKind = switch (engine == null ? "" : engine.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "memory" -> TernConfig.Engine.MEMORY;
            case "redis" -> TernConfig.Engine.REDIS;
            default -> throw new IllegalArgumentException("--engine must be memory or redis, not " + engine);
        };
        String url = redisUrl == null || redisUrl.isBlank() ? null : redisUrl.trim();
        if (engineKind == TernConfig.Engine.REDIS) {
            if (url == null) {
                throw new IllegalArgumentException("--engine redis needs --redis-url (e.g. redis://localhost:6379)");
            }
            if (dev.tern.redis.SentinelUrl.isSentinel(url)) {
                dev.tern.redis.SentinelUrl.parse(url);
            } else {
                for (String seed : url.split(",")) {
                    String trimmed = seed.trim();
                    if (!trimmed.startsWith("redis://") && !trimmed.startsWith("rediss://")) {
                        throw new IllegalArgumentException("--redis-url must start with redis:// or rediss:// (a cluster: several,"
                                + " comma-separated; Sentinel: redis+sentinel://host1:26379,host2:26379/mymaster)");
                    }
                }
            }
        }
        if (redisTimeout.isZero() || redisTimeout.isNegative()) {
            throw new IllegalArgumentException("--redis-timeout must be positive");
        }
        if (redisMinReplicas < 0 || redisMinReplicas > 100) {
            throw new IllegalArgumentException("--redis-min-replicas must be between 0 and 100");
        }
        if (idempotencyWindow.isZero() || idempotencyWindow.isNegative() || idempotencyWindow.toHours() > 24) {
            throw new IllegalArgumentException("--idempotency-window must be positive and at most 24h");
        }
        if (eventLoops < 0 || eventLoops > 1024) {
            throw new IllegalArgumentException("--event-loops must be between 0 (one per core) and 1024");
        }
        String endpoint = publicEndpoint == null || publicEndpoint.isBlank() ? null : publicEndpoint;
        BrowserConfig browser = new BrowserConfig(BrowserConfig.parseOrigins(corsAllowedOrigins),
                sseHeartbeatInterval, sseRetry, webSocketPingInterval);
        return new TernConfig(host, port, dataDir, endpoint, historyMessages, historyBytes, topicIdleTimeout,
                longPollTimeout, limits, accessLog, tlsCert, tlsKey, tlsPort, grpcHeartbeatInterval, browser,
                engineKind, url, redisTimeout, redisMinReplicas,
                eventLoops == 0 ? Runtime.getRuntime().availableProcessors() : eventLoops,
                TernConfig.Transport.fromOption(transport), idempotencyWindow,
                new WebhookConfig(webhookRequestTimeout, webhookInitialBackoff, webhookMaxBackoff, webhookMaxPerCache,
                        networks(webhookAllowedNetworks), networks(webhookDeniedNetworks), webhookTrustStore,
                        webhookMaxConnections),
                resourceBounds());
    }

    private static java.util.List<String> networks(String commaSeparated) {
        java.util.List<String> networks = new java.util.ArrayList<>();
        for (String network : commaSeparated == null ? new String[0] : commaSeparated.split(",")) {
            if (!network.isBlank()) {
                dev.tern.webhook.Network.parse(network); // fails with a usage message on a malformed network
                networks.add(network.trim());
            }
        }
        return networks;
    }


    /** The node-wide bounds; {@code auto} sizes a bound from this JVM's maximum heap. */
    private ResourceBounds resourceBounds() {
        long heap = Runtime.getRuntime().maxMemory();
        long topics = "auto".equalsIgnoreCase(maxTopics.trim()) ? ResourceBounds.defaultMaxTopics(heap)
                : positiveLong("--max-topics", maxTopics);
        long history = "auto".equalsIgnoreCase(maxHistoryMemory.trim()) ? ResourceBounds.defaultMaxHistoryMemory(heap)
                : byteSize("--max-history-memory", maxHistoryMemory);
        return new ResourceBounds(topics, history, maxConnections, maxStreamsPerConnection);
    }

    private static long positiveLong(String flag, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a number or auto, not " + value);
        }
    }

    private static long byteSize(String flag, String value) {
        try {
            return new ByteSizeConverter().convert(value);
        } catch (CommandLine.TypeConversionException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        TernConfig config;
        try {
            config = toConfig();
            LogFormat.fromOption(logFormat).apply();
        } catch (IllegalArgumentException e) {
            System.err.println("tern serve: " + e.getMessage());
            return 2;
        }
        TernServer server;
        try {
            server = TernServer.start(config).toCompletionStage().toCompletableFuture().get();
        } catch (java.util.concurrent.ExecutionException e) {
            System.err.println("tern serve: cannot start: " + e.getCause().getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("tern: shutdown did not complete cleanly: " + e);
            } finally {
                stopped.countDown();
            }
        }, "tern-shutdown"));
        stopped.await();
        return 0;
    }
}
