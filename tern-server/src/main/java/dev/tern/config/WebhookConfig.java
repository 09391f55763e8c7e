package dev.tern.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Settings of webhook delivery.
 *
 * @param requestTimeout   longest a delivery request may take to be answered (Momento: 5 s)
 * @param initialBackoff   wait before the first retry of a failed delivery; doubles with each failure, with jitter
 * @param maxBackoff       longest wait between retries
 * @param maxPerCache      webhooks a cache may have; 0 = unlimited
 * @param allowedNetworks  CIDR networks deliveries may connect to; empty = any not denied (these override the denied)
 * @param deniedNetworks   CIDR networks refused in addition to the link-local and metadata defaults
 * @param trustStore       PEM file of CA certificates trusted for https destinations, besides the JDK's; null for none
 * @param maxConnections   connections kept open to one destination address
 */
public record WebhookConfig(Duration requestTimeout, Duration initialBackoff, Duration maxBackoff, int maxPerCache,
                            List<String> allowedNetworks, List<String> deniedNetworks, Path trustStore,
                            int maxConnections) {

    public WebhookConfig {
        allowedNetworks = List.copyOf(allowedNetworks);
        deniedNetworks = List.copyOf(deniedNetworks);
        if (requestTimeout.isZero() || requestTimeout.isNegative()) {
            throw new IllegalArgumentException("--webhook-request-timeout must be positive");
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("--webhook-retry-initial-backoff must be positive and at most --webhook-retry-max-backoff");
        }
        if (maxPerCache < 0) {
            throw new IllegalArgumentException("--webhook-max-per-cache must be 0 (unlimited) or more");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("--webhook-max-connections must be at least 1");
        }
    }

    public static WebhookConfig defaults() {
        return new WebhookConfig(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(1), 100,
                List.of(), List.of(), null, 32);
    }
}
