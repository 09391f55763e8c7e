package dev.tern.webhook;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: the n-th retry waits between half and all of min(max, initial * 2^(n-1)). */
public record RetrySchedule(Duration initial, Duration max) {

    public long delayMillis(int failures) {
        long ceiling = max.toMillis();
        long base = initial.toMillis();
        int doublings = Math.min(Math.max(failures - 1, 0), 30);
        long full = Math.min(ceiling, base << doublings);
        long half = full / 2;
        return half + ThreadLocalRandom.current().nextLong(full - half + 1);
    }
}
