package dev.tern.bench.soak;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the publishers know was stored: for each publishing lane and topic, the lane's sequence of its last
 * acknowledged message to that topic. A lane numbers its messages per topic 1, 2, 3... and sends one at a time,
 * retrying a refused message with the same number, so a subscriber that followed a topic from its start must end
 * having received exactly 1..acknowledged(lane, topic) from each lane, in that order.
 */
final class Acknowledged {
    private final int topics;
    private final AtomicLongArray last;

    Acknowledged(int lanes, int topics) {
        this.topics = topics;
        this.last = new AtomicLongArray(lanes * topics);
    }

    void acknowledged(int lane, int topic, long sequence) {
        last.set(lane * topics + topic, sequence);
    }

    long last(int lane, int topic) {
        return last.get(lane * topics + topic);
    }

    int lanes() {
        return last.length() / topics;
    }
}
