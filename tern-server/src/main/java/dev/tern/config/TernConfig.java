package dev.tern.config;

import dev.tern.cache.TopicLimits;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Every setting of a Tern server, resolved once at start: command-line flags over {@code TERN_*} environment variables
 * over the config file over defaults (see {@link SettingSources}).
 *
 * @param host               interface to listen on
 * @param port               HTTP port (0 picks a free one)
 * @param dataDir            where the signing secret, the super-user key and the caches are kept
 * @param publicEndpoint     host[:port] written into v1 tokens; clients derive their endpoints from it; null for
 *                           {@code localhost:<the port bound>}
 * @param historyMessages    messages kept per topic for resume
 * @param historyBytes       bytes kept per topic for resume
 * @param topicIdleTimeout   a topic with no subscribers and no publishes for this long is forgotten
 * @param longPollTimeout    longest a long-poll request waits before answering with no items
 * @param defaultTopicLimits limits of a cache created without its own
 * @param accessLog          log one line per HTTP request
 * @param tlsCert            PEM certificate chain; with {@code tlsKey}, the main port speaks TLS (or, when
 *                           {@code tlsPort} is set, an extra TLS listener does); null for plaintext only
 * @param tlsKey             PEM private key of {@code tlsCert}
 * @param tlsPort            port of an extra TLS listener beside the plaintext main port (0 picks one); null for none
 * @param grpcHeartbeatInterval how often an idle gRPC subscription receives a heartbeat
 * @param browser            CORS and the browser transports (Server-Sent Events, WebSocket)
 * @param engine             where topics live: {@code memory} (this process) or {@code redis} (shared by nodes)
 * @param redisUrl           the Redis to use with the redis engine ({@code redis://[:password@]host:port[/db]},
 *                           {@code rediss://} for TLS); null with the memory engine
 * @param redisTimeout       longest wait for a Redis reply before the request fails as unavailable
 * @param redisMinReplicas   replicas that must confirm a publish (Redis {@code WAIT}) before it is acknowledged
 * @param eventLoops         event-loop threads serving connections (one HTTP listener each)
 * @param transport          the network transport serving connections: io_uring, epoll, NIO, or the best available
 * @param idempotencyWindow  how long a publish's idempotency key is remembered, so a repeat publishes nothing
 * @param webhooks           webhook delivery: timeouts, retries, limits and permitted destinations
 * @param bounds             the node-wide bounds on topics, history memory, connections and streams
 */
public record TernConfig(
        String host,
        int port,
        Path dataDir,
        String publicEndpoint,
        int historyMessages,
        long historyBytes,
        Duration topicIdleTimeout,
        Duration longPollTimeout,
        TopicLimits defaultTopicLimits,
        boolean accessLog,
        Path tlsCert,
        Path tlsKey,
        Integer tlsPort,
        Duration grpcHeartbeatInterval,
        BrowserConfig browser,
        Engine engine,
        String redisUrl,
        Duration redisTimeout,
        int redisMinReplicas,
        int eventLoops,
        Transport transport,
        Duration idempotencyWindow,
        WebhookConfig webhooks,
        ResourceBounds bounds) {

    /** The topic engines Tern can run on. */
    public enum Engine { MEMORY, REDIS }

    /** The network transports Tern can serve connections with; AUTO is the best one available. */
    public enum Transport {
        AUTO, IO_URING, EPOLL, NIO;

        /** The name on the command line: auto, io_uring, epoll, nio. */
        public String optionValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Transport fromOption(String value) {
            String normalized = value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT).replace('-', '_');
            for (Transport transport : values()) {
                if (transport.optionValue().equals(normalized)) {
                    return transport;
                }
            }
            throw new IllegalArgumentException("--transport must be auto, io_uring, epoll or nio, not " + value);
        }
    }

    public boolean tlsEnabled() {
        return tlsCert != null;
    }

    /** The main port speaks TLS when a certificate is given and no separate TLS port is asked for. */
    public boolean mainPortTls() {
        return tlsEnabled() && tlsPort == null;
    }
}
