package dev.tern.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Several publishers on one topic at once: a long-poll reader sees sequence numbers 1..N, each message once. */
class ConcurrentPublishTest {
    private static final int PUBLISHERS = 8;
    private static final int PER_PUBLISHER = 60;
    private static final int TOTAL = PUBLISHERS * PER_PUBLISHER;

    @Test
    void concurrentPublishersGetContiguousSequenceNumbersWithoutDuplicates() throws Exception {
        try (RunningTern tern = RunningTern.start("--long-poll-timeout", "2s", "--history-messages", "1000")) {
            TernHttp http = new TernHttp(tern);
            String key = tern.superUserKey();
            tern.createCache("busy");
            ExecutorService pool = Executors.newFixedThreadPool(PUBLISHERS + 1);
            try {
                // The reader follows the topic live while it is being published to.
                Future<List<JsonNode>> reader = pool.submit(() -> read(http, key));
                List<Future<?>> publishers = new ArrayList<>();
                for (int p = 0; p < PUBLISHERS; p++) {
                    int publisher = p;
                    publishers.add(pool.submit(() -> {
                        for (int i = 0; i < PER_PUBLISHER; i++) {
                            int status = http.publishText("busy", "t", key, publisher + ":" + i).statusCode();
                            assertThat(status).isEqualTo(204);
                        }
                        return null;
                    }));
                }
                for (Future<?> publisher : publishers) {
                    publisher.get(60, TimeUnit.SECONDS);
                }
                List<JsonNode> items = reader.get(60, TimeUnit.SECONDS);

                assertThat(items).hasSize(TOTAL);
                long page = items.get(0).get("sequence_page").asLong();
                Map<Integer, Integer> lastPerPublisher = new HashMap<>();
                for (int i = 0; i < TOTAL; i++) {
                    JsonNode item = items.get(i);
                    assertThat(item.get("topic_sequence_number").asLong()).isEqualTo(i + 1);
                    assertThat(item.get("sequence_page").asLong()).isEqualTo(page);
                    String[] text = item.get("value").get("text").asText().split(":");
                    int publisher = Integer.parseInt(text[0]);
                    int index = Integer.parseInt(text[1]);
                    // Each publisher waited for its 204 before the next publish, so its messages are in order.
                    assertThat(index).isEqualTo(lastPerPublisher.getOrDefault(publisher, -1) + 1);
                    lastPerPublisher.put(publisher, index);
                }
                assertThat(lastPerPublisher).hasSize(PUBLISHERS).allSatisfy((p, last) -> assertThat(last).isEqualTo(PER_PUBLISHER - 1));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aBacklogLargerThanOneAnswerArrivesOverSeveralPollsWithoutGapsOrDuplicates() {
        try (RunningTern tern = RunningTern.start("--long-poll-timeout", "1s")) {
            TernHttp http = new TernHttp(tern);
            String key = tern.superUserKey();
            tern.createCache("backlog");
            for (int i = 1; i <= 150; i++) {
                assertThat(http.publishText("backlog", "t", key, "m" + i).statusCode()).isEqualTo(204);
            }
            List<Long> seen = new ArrayList<>();
            int polls = 0;
            long next = 1;
            while (seen.size() < 150 && polls++ < 20) {
                List<JsonNode> items = TernHttp.items(http.longPoll("backlog", "t", key, next, 0));
                assertThat(items).isNotEmpty();
                for (JsonNode event : items) {
                    long sequence = event.get("item").get("topic_sequence_number").asLong();
                    seen.add(sequence);
                    next = sequence + 1;
                }
            }
            assertThat(seen).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 150).boxed().toList());
            assertThat(polls).as("more than one answer was needed").isGreaterThan(1);
        }
    }

    /** Long-polls from sequence 1, resuming at last+1, until TOTAL items; fails on any discontinuity. */
    private static List<JsonNode> read(TernHttp http, String key) {
        List<JsonNode> items = new ArrayList<>();
        long next = 1;
        long page = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (items.size() < TOTAL && System.nanoTime() < deadline) {
            for (JsonNode event : TernHttp.items(http.longPoll("busy", "t", key, next, page))) {
                JsonNode item = event.get("item");
                assertThat(item).as("unexpected event " + event).isNotNull();
                items.add(item);
                next = item.get("topic_sequence_number").asLong() + 1;
                page = item.get("sequence_page").asLong();
            }
        }
        return items;
    }
}
