package dev.tern.bench;

/** One monotonic clock for the whole load generator, so publisher stamps and receive times compare directly. */
final class BenchClock {
    private static final long ORIGIN = System.nanoTime();

    private BenchClock() {
    }

    /** Nanoseconds since this process started using the clock; never negative. */
    static long nanos() {
        return System.nanoTime() - ORIGIN;
    }
}
