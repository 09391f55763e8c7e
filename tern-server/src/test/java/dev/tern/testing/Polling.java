package dev.tern.testing;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waiting for an external process (a Redis server, a Sentinel) to reach a state, for the fixtures that start them. */
final class Polling {
    private Polling() {
    }

    /** Checks {@code condition} every 50 ms until it holds; fails naming {@code what} after {@code seconds}. */
    static void until(BooleanSupplier condition, String what, long seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("waited " + seconds + " s for " + what);
    }
}
