package dev.tern.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * After publishing stopped: waits until subscribers caught up, then checks that every subscriber received every
 * message published (successfully) to its topic, in lane order, with the same order as the topic's other
 * subscribers. Any mismatch makes the run fail; it is reported, never averaged away.
 */
final class DeliveryCheck {
    final long expected;
    final long received;
    final int shortSubscribers;
    final long outOfOrder;
    final long foreign;
    final long discontinuities;
    final int disconnected;
    final int topicsWithDivergentOrder;
    final int failedToConnect;

    private DeliveryCheck(long expected, long received, int shortSubscribers, long outOfOrder, long foreign,
                          long discontinuities, int disconnected, int topicsWithDivergentOrder, int failedToConnect) {
        this.expected = expected;
        this.received = received;
        this.shortSubscribers = shortSubscribers;
        this.outOfOrder = outOfOrder;
        this.foreign = foreign;
        this.discontinuities = discontinuities;
        this.disconnected = disconnected;
        this.topicsWithDivergentOrder = topicsWithDivergentOrder;
        this.failedToConnect = failedToConnect;
    }

    static DeliveryCheck afterDrain(SubscriberFleet fleet, AtomicLongArray okByTopic, long maxWaitMillis) {
        List<SseSubscriber> subscribers = fleet.subscribers;
        long expected = 0;
        for (SseSubscriber s : subscribers) {
            expected += okByTopic.get(s.topic);
        }
        long deadline = System.currentTimeMillis() + maxWaitMillis;
        long last = -1;
        long lastProgress = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline) {
            long now = fleet.received();
            if (now >= expected) {
                break;
            }
            if (now != last) {
                last = now;
                lastProgress = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastProgress > 5_000) {
                break;
            }
            Blocking.sleep(50);
        }
        Blocking.sleep(200); // anything beyond the expected count (duplicates) shows up now
        fleet.subscribers.forEach(SseSubscriber::pause);
        Blocking.sleep(50);

        long received = 0, outOfOrder = 0, foreign = 0, discontinuities = 0;
        int shortSubscribers = 0, disconnected = 0;
        Map<Integer, Long> digestByTopic = new HashMap<>();
        Map<Integer, Boolean> divergent = new HashMap<>();
        for (SseSubscriber s : subscribers) {
            long got = s.received();
            received += got;
            if (got != okByTopic.get(s.topic)) {
                shortSubscribers++;
            }
            outOfOrder += s.outOfOrder;
            foreign += s.foreign;
            discontinuities += s.discontinuities;
            if (s.ended) {
                disconnected++;
            }
            Long first = digestByTopic.putIfAbsent(s.topic, s.orderDigest);
            if (first != null && first != s.orderDigest) {
                divergent.put(s.topic, true);
            }
        }
        return new DeliveryCheck(expected, received, shortSubscribers, outOfOrder, foreign, discontinuities,
                disconnected, divergent.size(), fleet.failedToConnect);
    }

    boolean passed() {
        return received == expected && shortSubscribers == 0 && outOfOrder == 0 && foreign == 0
                && discontinuities == 0 && disconnected == 0 && topicsWithDivergentOrder == 0 && failedToConnect == 0;
    }

    double deliveredFraction() {
        return expected == 0 ? 1.0 : (double) received / expected;
    }

    @Override
    public String toString() {
        return String.format("received %d of %d expected; subscribers with a wrong count %d; out of lane order %d; "
                        + "foreign %d; discontinuities %d; disconnected %d; topics whose subscribers disagree on order %d; "
                        + "failed to connect %d -> %s",
                received, expected, shortSubscribers, outOfOrder, foreign, discontinuities, disconnected,
                topicsWithDivergentOrder, failedToConnect, passed() ? "OK" : "FAILED");
    }
}
