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
    /** From a publish's stamp (its scheduled time when the lane is behind) to its answer. */
    private final Recorder answerMicros = new Recorder(3);
    final LongAdder publishesInWindow = new LongAdder();
    final LongAdder failedPublishes = new LongAdder();
    final LongAdder deliveriesInWindow = new LongAdder();
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    /** Latency per connection over time, or null (see {@link LatencyTrace}). */
    final LatencyTrace trace;

    Measurement(LatencyTrace trace) {
        this.trace = trace;
    }

    void startWindow() {
        latencyMicros.reset();
        answerMicros.reset();
        windowStart = BenchClock.nanos();
        if (trace != null) {
            trace.windowStarted(windowStart);
        }
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

    /**
     * A publish stamped {@code stampNanos} was answered now: counted in the window when the answer came inside it;
     * its wait for the answer is recorded when it was stamped inside the window.
     */
    void published(boolean ok, long stampNanos) {
        long now = BenchClock.nanos();
        if (!ok) {
            failedPublishes.increment();
        } else if (inWindow(now)) {
            publishesInWindow.increment();
        }
        if (ok && inWindow(stampNanos)) {
            answerMicros.recordValue(Math.max(0, (now - stampNanos) / 1000));
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

    /** Microseconds from stamp to answer of the publishes stamped inside the window. */
    Histogram publishAnswers() {
        return answerMicros.getIntervalHistogram();
    }

    /** Latencies in microseconds of the messages sent inside the window. */
    Histogram latencies() {
        return latencyMicros.getIntervalHistogram();
    }
}
