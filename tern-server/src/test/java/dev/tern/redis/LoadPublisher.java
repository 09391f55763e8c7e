package dev.tern.redis;

import dev.tern.testing.PublishHistory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/**
 * Publishes {@code <name>-<n>} in a loop (one publish at a time) until closed, recording each outcome in a
 * {@link PublishHistory}. After {@code killedAt} is set (a {@link System#nanoTime()}), it counts the publishes started
 * after it that were acknowledged and sets {@code firstAfterKill} to when the first of them was answered.
 */
final class LoadPublisher implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private volatile long acknowledgedAfterKill;

    /** @param publish publishes one value and returns the HTTP status, or -1 when there was no answer */
    LoadPublisher(String name, ToIntFunction<String> publish, PublishHistory history, AtomicLong killedAt,
                  AtomicLong firstAfterKill) {
        thread = new Thread(() -> {
            for (int i = 1; running.get(); i++) {
                String value = name + "-" + i;
                long startedAt = System.nanoTime();
                int status = publish.applyAsInt(value);
                history.publishedWithStatus(value, status);
                if (status == 204 && killedAt.get() != 0 && startedAt > killedAt.get()) {
                    acknowledgedAfterKill++;
                    firstAfterKill.compareAndSet(0, System.nanoTime());
                }
                if (status != 204) {
                    RedisNodesTest.sleep(20);
                }
            }
        }, "publisher-" + name);
        thread.start();
    }

    long acknowledgedAfterKill() {
        return acknowledgedAfterKill;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(15_000);
    }
}
