package dev.tern.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the browser-facing side: CORS and the streaming transports (Server-Sent Events, WebSocket).
 *
 * @param corsAllowedOrigins    origins allowed to call Tern from a browser; {@code ["*"]} allows any (without credentials)
 * @param sseHeartbeatInterval  an idle event stream gets a comment line this often, so proxies keep it open
 * @param sseRetry              reconnection delay suggested to EventSource clients ({@code retry:})
 * @param webSocketPingInterval a WebSocket gets a ping (and, when idle, a heartbeat frame) this often; a peer that
 *                              answers no ping for two intervals is disconnected
 */
public record BrowserConfig(List<String> corsAllowedOrigins, Duration sseHeartbeatInterval, Duration sseRetry,
                            Duration webSocketPingInterval) {

    public static final String ANY_ORIGIN = "*";

    public BrowserConfig {
        corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
        if (corsAllowedOrigins.isEmpty()) {
            throw new IllegalArgumentException("--cors-allowed-origins needs at least one origin, or *");
        }
        if (corsAllowedOrigins.contains(ANY_ORIGIN) && corsAllowedOrigins.size() > 1) {
            throw new IllegalArgumentException("--cors-allowed-origins: * cannot be combined with other origins");
        }
        for (String origin : corsAllowedOrigins) {
            if (!origin.equals(ANY_ORIGIN) && !isOrigin(origin)) {
                throw new IllegalArgumentException("--cors-allowed-origins: " + origin
                        + " is not an origin (scheme://host[:port], e.g. https://app.example.com)");
            }
        }
        if (!isPositive(sseHeartbeatInterval) || !isPositive(webSocketPingInterval) || sseRetry.isNegative()) {
            throw new IllegalArgumentException(
                    "--sse-heartbeat-interval and --websocket-ping-interval must be positive, --sse-retry not negative");
        }
    }

    /** Comma-separated origins as given on the command line. */
    public static List<String> parseOrigins(String commaSeparated) {
        return List.of(commaSeparated.trim().split("\\s*,\\s*")).stream().filter(s -> !s.isEmpty()).toList();
    }

    public boolean allowsAnyOrigin() {
        return corsAllowedOrigins.contains(ANY_ORIGIN);
    }

    private static boolean isOrigin(String value) {
        try {
            URI uri = new URI(value);
            return (uri.getScheme() != null && uri.getHost() != null
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                    && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null);
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean isPositive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }
}
