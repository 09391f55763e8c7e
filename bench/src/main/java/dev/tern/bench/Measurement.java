package dev.tern.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.LongAdder;

/**
 * What one workload run observes: a measurement window (messages sent before it are warm-up), publish-to-receive
 * latency of messages sent inside it, and counts of publishes and deliveries inside it.
 */
final class Measurement {
    private final Recorder latencyMicros = new Recorder(3);
    final LongAdder publishesInWindow = new LongAdder();
    final LongAdder failedPublishes = new LongAdder();
    final LongAdder deliveriesInWindow = new LongAdder();
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;

    void startWindow() {
        latencyMicros.reset();
        windowStart = BenchClock.nanos();
    }

    void endWindow() {
        windowEnd = BenchClock.nanos();
    }

    double windowSeconds() {
        return (windowEnd - windowStart) / 1e9;
    }

    boolean inWindow(long nanos) {
        return nanos >= windowStart && nanos < windowEnd;
    }

    /** A publish was answered now: counted in the window when the answer came inside it. */
    void published(boolean ok) {
        if (!ok) {
            failedPublishes.increment();
        } else if (inWindow(BenchClock.nanos())) {
            publishesInWindow.increment();
        }
    }

    void delivered(long sentNanos, long receivedNanos) {
        if (inWindow(receivedNanos)) {
            deliveriesInWindow.increment();
        }
        if (inWindow(sentNanos)) {
            latencyMicros.recordValue(Math.max(0, (receivedNanos - sentNanos) / 1000));
        }
    }

    /** Latencies in microseconds of the messages sent inside the window. */
    Histogram latencies() {
        return latencyMicros.getIntervalHistogram();
    }
}
