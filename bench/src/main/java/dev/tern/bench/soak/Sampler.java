package dev.tern.bench.soak;

import java.util.ArrayList;
import java.util.List;

/** Takes a {@link Sample} every interval on a thread of its own until stopped; a failed look is reported, not fatal. */
final class Sampler implements Runnable {
    private final ServerProbe probe;
    private final SoakStats stats;
    private final long intervalMillis;
    private final long startNanos;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread = new Thread(this, "soak-sampler");
    private volatile boolean stopped;
    private volatile String lastFailure;

    Sampler(ServerProbe probe, SoakStats stats, long intervalMillis, long startNanos) {
        this.probe = probe;
        this.stats = stats;
        this.intervalMillis = intervalMillis;
        this.startNanos = startNanos;
    }

    void start() {
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops after taking one last sample. */
    List<Sample> stop() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(120_000);
        take();
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    String lastFailure() {
        return lastFailure;
    }

    @Override
    public void run() {
        long next = System.nanoTime();
        while (!stopped) {
            take();
            next += intervalMillis * 1_000_000L;
            long sleep = (next - System.nanoTime()) / 1_000_000;
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void take() {
        try {
            long heap = probe.liveHeapKib(); // first: the collection it forces is not in the other figures' way
            Sample sample = new Sample((System.nanoTime() - startNanos) / 1e9, probe.rssKib(), heap,
                    probe.fileDescriptors(), probe.threads(), stats.published.sum(), stats.deliveries.sum(),
                    probe.cpuSeconds(), ServerProbe.loadAverage());
            synchronized (samples) {
                samples.add(sample);
            }
            System.out.printf("soak: %6.0f s  RSS %6.1f MiB  live heap %6.1f MiB  fds %5d  threads %4d  published %d"
                            + "  delivered %d  load %.2f%n", sample.seconds(), sample.rssKib() / 1024.0,
                    sample.liveHeapKib() / 1024.0, sample.fileDescriptors(), sample.threads(), sample.published(),
                    sample.delivered(), sample.loadAverage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            lastFailure = String.valueOf(e);
            System.err.println("soak: sample failed: " + e);
        }
    }
}
