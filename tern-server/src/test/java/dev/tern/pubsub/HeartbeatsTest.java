package dev.tern.pubsub;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Streams registered on one event loop share its timer; a cancelled stream never beats again, wherever it sat. */
class HeartbeatsTest {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final Heartbeats heartbeats = new Heartbeats(vertx, Duration.ofMillis(20));

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void everyRegisteredStreamBeatsUntilCancelledWhateverItsPlaceInTheList() throws Exception {
        int streams = 5;
        AtomicInteger[] beats = new AtomicInteger[streams];
        Heartbeats.Beat[] registered = new Heartbeats.Beat[streams];
        for (int i = 0; i < streams; i++) {
            beats[i] = new AtomicInteger();
        }
        // Each registration on a context of its own, as requests are, all on the one event loop.
        for (int i = 0; i < streams; i++) {
            int stream = i;
            registered[i] = onNewContext(() -> heartbeats.register(beats[stream]::incrementAndGet));
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> List.of(beats).stream().allMatch(b -> b.get() >= 2));

        // The newest (head of the list), a middle one and the oldest (tail) leave.
        for (int gone : new int[] {4, 2, 0}) {
            onNewContext(() -> {
                registered[gone].cancel();
                registered[gone].cancel(); // idempotent
                return null;
            });
        }
        int[] atCancel = {beats[0].get(), beats[2].get(), beats[4].get()};
        int stillBeating = beats[1].get() + 3;
        await().atMost(5, TimeUnit.SECONDS).until(() -> beats[1].get() >= stillBeating && beats[3].get() >= stillBeating - 3);
        assertThat(new int[] {beats[0].get(), beats[2].get(), beats[4].get()}).isEqualTo(atCancel);
    }

    @Test
    void aStreamRegisteredAfterTheLastOneLeftBeatsAgain() throws Exception {
        AtomicInteger first = new AtomicInteger();
        Heartbeats.Beat beat = onNewContext(() -> heartbeats.register(first::incrementAndGet));
        await().atMost(5, TimeUnit.SECONDS).until(() -> first.get() >= 1);
        onNewContext(() -> {
            beat.cancel();
            return null;
        });
        int afterCancel = first.get();

        AtomicInteger second = new AtomicInteger();
        onNewContext(() -> heartbeats.register(second::incrementAndGet));
        await().atMost(5, TimeUnit.SECONDS).until(() -> second.get() >= 3);
        assertThat(first.get()).isEqualTo(afterCancel);
    }

    private <T> T onNewContext(Supplier<T> action) throws Exception {
        Context context = vertx.getOrCreateContext();
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> result.complete(action.get()));
        return result.get(5, TimeUnit.SECONDS);
    }
}
