package dev.tern.webhook;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tern.error.TernException;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the n-th retry waits between half and all of min(max, initial * 2^(n-1)). The
 * server has one ({@code --webhook-retry-*}); a webhook may have its own (HTTP and CLI; gRPC has no field for it).
 */
public record RetrySchedule(@JsonProperty("initial_backoff_ms") long initialBackoffMillis,
                            @JsonProperty("max_backoff_ms") long maxBackoffMillis) {
    /** Bounds of a webhook's own schedule: retries neither hammer a receiver nor wait past a day. */
    static final long SHORTEST_MILLIS = 10;
    static final long LONGEST_MILLIS = Duration.ofDays(1).toMillis();

    public RetrySchedule(Duration initial, Duration max) {
        this(initial.toMillis(), max.toMillis());
    }

    /** A webhook's own schedule; 400 unless {@value #SHORTEST_MILLIS} ms ≤ initial ≤ max ≤ one day. */
    public static RetrySchedule requireValid(long initialBackoffMillis, long maxBackoffMillis) {
        if (initialBackoffMillis < SHORTEST_MILLIS || maxBackoffMillis < initialBackoffMillis
                || maxBackoffMillis > LONGEST_MILLIS) {
            throw TernException.badRequest("the retry schedule needs " + SHORTEST_MILLIS
                    + " <= initial_backoff_ms <= max_backoff_ms <= " + LONGEST_MILLIS + " (one day)");
        }
        return new RetrySchedule(initialBackoffMillis, maxBackoffMillis);
    }

    public long delayMillis(int failures) {
        int doublings = Math.min(Math.max(failures - 1, 0), 30);
        long full = Math.min(maxBackoffMillis, initialBackoffMillis << doublings);
        long half = full / 2;
        return half + ThreadLocalRandom.current().nextLong(full - half + 1);
    }
}
