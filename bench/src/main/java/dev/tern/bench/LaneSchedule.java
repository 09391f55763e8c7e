package dev.tern.bench;

import io.vertx.core.Context;

import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * When a publishing lane sends its next message ({@link Publisher}'s lane rules): without a rate, back to back
 * while the delivery window allows; at a fixed rate, lane {@code i} of {@code L} sends messages {@code i, i+L, ...}
 * of the schedule all lanes share.
 */
final class LaneSchedule {
    private final int laneCount;
    private final double rate;
    private final long origin;
    /** Index of this lane's next message in the fixed-rate schedule. */
    private long index;

    LaneSchedule(int lane, int laneCount, double rate, long origin) {
        this.laneCount = laneCount;
        this.rate = rate;
        this.origin = origin;
        this.index = lane;
    }

    /**
     * Calls {@code send} with the message's stamp on {@code context}'s event loop: its due time when the lane is
     * behind schedule (the wait counts as latency), else when it is sent. A lane held by the delivery window asks
     * again ({@code retry}) a millisecond later.
     */
    void next(Context context, BooleanSupplier mayPublish, LongConsumer send, Runnable retry) {
        if (rate <= 0) {
            if (mayPublish.getAsBoolean()) {
                send.accept(BenchClock.nanos());
            } else {
                context.owner().setTimer(1, t -> retry.run());
            }
            return;
        }
        long due = origin + (long) (index * 1e9 / rate);
        index += laneCount;
        long now = BenchClock.nanos();
        if (due <= now) {
            send.accept(due); // behind schedule: the wait counts
        } else {
            long delayMillis = Math.max(1, (due - now) / 1_000_000);
            context.owner().setTimer(delayMillis, t -> send.accept(BenchClock.nanos()));
        }
    }
}
