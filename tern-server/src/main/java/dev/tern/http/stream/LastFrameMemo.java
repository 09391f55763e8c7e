package dev.tern.http.stream;

import io.netty.util.concurrent.FastThreadLocal;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Remembers, per thread, the frame last built for an event. The engine hands the same event object to every
 * subscriber of a topic on one event loop, one after another, so a message fanned out to many connections is
 * encoded once per event loop instead of once per connection.
 */
final class LastFrameMemo<K, F> {
    private final Consumer<F> discard;
    private final FastThreadLocal<Entry<K, F>> last = new FastThreadLocal<>() {
        @Override
        protected Entry<K, F> initialValue() {
            return new Entry<>();
        }
    };

    LastFrameMemo() {
        this(frame -> { });
    }

    /** {@code discard} runs on a frame when the next event replaces it. */
    LastFrameMemo(Consumer<F> discard) {
        this.discard = discard;
    }

    F get(K event, Function<K, F> encode) {
        Entry<K, F> entry = last.get();
        if (entry.event != event) {
            F frame = encode.apply(event);
            if (entry.frame != null) {
                discard.accept(entry.frame);
            }
            entry.frame = frame;
            entry.event = event;
        }
        return entry.frame;
    }

    private static final class Entry<K, F> {
        K event;
        F frame;
    }
}
