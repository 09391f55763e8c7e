package dev.tern.limit;

import dev.tern.error.LimitKind;
import dev.tern.error.TernException;
import io.vertx.core.Future;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-cache publish rate: a token bucket refilled at the cache's rate and holding at most one second's worth,
 * so a cache may burst up to its rate and sustain exactly it.
 */
public final class PublishRateLimiter implements PublishRateLimit {
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** Takes one publish from the cache's budget or throws a 429 saying when to retry. A rate of 0 is unlimited. */
    public void acquire(String cacheName, int ratePerSecond) {
        if (ratePerSecond <= 0) {
            return;
        }
        long waitNanos = buckets.computeIfAbsent(cacheName, name -> new Bucket()).take(ratePerSecond, System.nanoTime());
        if (waitNanos > 0) {
            long retryAfterSeconds = (waitNanos + 999_999_999L) / 1_000_000_000L;
            throw TernException.limitExceeded(LimitKind.PUBLISH_RATE,
                    "publish rate limit of " + ratePerSecond + " messages per second exceeded for cache " + cacheName,
                    retryAfterSeconds);
        }
    }

    @Override
    public Future<Void> admit(String cacheName, int ratePerSecond) {
        acquire(cacheName, ratePerSecond);
        return Future.succeededFuture();
    }

    @Override
    public void forget(String cacheName) {
        buckets.remove(cacheName);
    }

    private static final class Bucket {
        private double tokens = -1;
        private long updatedNanos;

        /** Returns 0 when a token was taken, else nanoseconds until one is available. */
        synchronized long take(int rate, long now) {
            if (tokens < 0) {
                tokens = rate;
            } else {
                tokens = Math.min(rate, tokens + (now - updatedNanos) * rate / 1e9);
            }
            updatedNanos = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) * 1e9 / rate);
        }
    }
}
