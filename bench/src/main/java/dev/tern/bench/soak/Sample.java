package dev.tern.bench.soak;

/**
 * One look at the server: {@code seconds} since the load started; memory in KiB; {@code published} and
 * {@code delivered} are running totals (rates come from two samples); {@code cpuSeconds} the server's running CPU.
 */
record Sample(double seconds, long rssKib, long liveHeapKib, long fileDescriptors, long threads, long published,
              long delivered, double cpuSeconds, double loadAverage) {
}
