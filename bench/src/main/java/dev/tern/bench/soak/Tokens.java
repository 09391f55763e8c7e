package dev.tern.bench.soak;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Short-lived disposable tokens, re-minted all along: every client takes {@link #current()} when it connects or
 * publishes, a new token is minted every third of the lifetime, so the one handed out has at least two thirds of
 * its life left. Streams opened with a token end when it expires (the server ends them), and their clients come
 * back with the current one: that is the soak's "tokens expiring" churn.
 */
final class Tokens implements AutoCloseable {
    private final Admin admin;
    private final int lifetimeSeconds;
    private final ScheduledExecutorService minter = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "soak-token-minter");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong minted = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile String current;
    private volatile long lastMintNanos;
    private volatile String lastFailure;

    Tokens(Admin admin, int lifetimeSeconds) throws Exception {
        this.admin = admin;
        this.lifetimeSeconds = lifetimeSeconds;
        mint();
        long every = Math.max(1_000, lifetimeSeconds * 1000L / 3);
        minter.scheduleWithFixedDelay(this::mintQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    String current() {
        return current;
    }

    /**
     * A client was refused (or ended) for an expired token. When the current token is about to expire too (the
     * minter fell behind, e.g. on a stalled machine), mint one at once; at most once a second.
     */
    void refused() {
        if (nearlyExpired()) {
            minter.execute(() -> {
                if (nearlyExpired()) {
                    mintQuietly();
                }
            });
        }
    }

    private boolean nearlyExpired() {
        long age = System.nanoTime() - lastMintNanos;
        return age > lifetimeSeconds * 1_000_000_000L - 2_000_000_000L && age > 1_000_000_000L;
    }

    long minted() {
        return minted.get();
    }

    long failures() {
        return failures.get();
    }

    String lastFailure() {
        return lastFailure;
    }

    int lifetimeSeconds() {
        return lifetimeSeconds;
    }

    private void mint() throws Exception {
        current = admin.mintToken(lifetimeSeconds);
        lastMintNanos = System.nanoTime();
        minted.incrementAndGet();
    }

    private void mintQuietly() {
        try {
            mint();
        } catch (Exception e) {
            failures.incrementAndGet();
            lastFailure = String.valueOf(e);
        }
    }

    @Override
    public void close() {
        minter.shutdownNow();
    }
}
