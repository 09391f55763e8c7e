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
 * @param publicEndpoint     host[:port] written into v1 tokens; clients derive their endpoints from it
 * @param historyMessages    messages kept per topic for resume
 * @param historyBytes       bytes kept per topic for resume
 * @param topicIdleTimeout   a topic with no subscribers and no publishes for this long is forgotten
 * @param longPollTimeout    longest a long-poll request waits before answering with no items
 * @param defaultTopicLimits limits of a cache created without its own
 * @param accessLog          log one line per HTTP request
 * @param browser            CORS and the browser transports (Server-Sent Events, WebSocket)
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
        BrowserConfig browser) {
}
