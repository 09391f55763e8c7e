package dev.tern.pubsub;

import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One periodic timer per event loop for all the streams on it, instead of one timer per stream: an idle stream
 * then costs a small list node rather than a scheduled task, a timer handle and a map entry, which matters with
 * tens of thousands of open streams. Every stream on a loop beats at the same tick.
 *
 * <p>{@link #register} and {@link Beat#cancel} run on the stream's event loop, as do the beats.
 */
public final class Heartbeats {
    private final Vertx vertx;
    private final long intervalMillis;
    /** Keyed by event-loop thread: each request runs on a context of its own, but they share the loop's thread. */
    private final ConcurrentHashMap<Thread, Loop> loops = new ConcurrentHashMap<>();

    public Heartbeats(Vertx vertx, Duration interval) {
        this.vertx = vertx;
        this.intervalMillis = Math.max(1, interval.toMillis());
    }

    /** Runs {@code beat} at every tick of the current event loop's timer until the returned beat is cancelled. */
    public Beat register(Runnable beat) {
        Objects.requireNonNull(Vertx.currentContext(), "register must be called on a Vert.x context");
        return loops.computeIfAbsent(Thread.currentThread(), thread -> new Loop()).add(beat);
    }

    /** A registered stream: a node of its loop's list. */
    public static final class Beat {
        private final Loop loop;
        private final Runnable action;
        private Beat previous;
        private Beat next;
        private boolean cancelled;

        private Beat(Loop loop, Runnable action) {
            this.loop = loop;
            this.action = action;
        }

        /** No more beats for this stream. Idempotent. */
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                loop.remove(this);
            }
        }
    }

    /** The streams of one event loop, as a doubly linked list, and the loop's timer while it has any. */
    private final class Loop {
        private Beat first;
        private long timer = -1;

        Beat add(Runnable action) {
            Beat beat = new Beat(this, action);
            beat.next = first;
            if (first != null) {
                first.previous = beat;
            }
            first = beat;
            if (timer < 0) {
                timer = vertx.setPeriodic(intervalMillis, id -> tick()); // on the calling context: this loop
            }
            return beat;
        }

        void remove(Beat beat) {
            if (beat.previous != null) {
                beat.previous.next = beat.next;
            } else if (first == beat) {
                first = beat.next;
            }
            if (beat.next != null) {
                beat.next.previous = beat.previous;
            }
            beat.previous = null;
            beat.next = null;
            if (first == null && timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }

        private void tick() {
            Beat beat = first;
            while (beat != null) {
                Beat following = beat.next; // a beat may end its stream and leave the list
                beat.action.run();
                beat = following;
            }
        }
    }
}
