package dev.tern.bench.soak;

import dev.tern.bench.Payload;

import java.util.Arrays;

/**
 * Checks one subscriber's stream across all its connections. Two orders are checked on every message:
 * <ul>
 *   <li>the server's: each item is the next {@code topic_sequence_number} on the same page as the one before
 *       (a reconnect resumes from the last position, so nothing is skipped or repeated across connections);</li>
 *   <li>the publishers': each publishing lane's messages to this topic arrive as 1, 2, 3... with no gap, repeat or
 *       swap, which also proves the server numbered exactly the messages it acknowledged.</li>
 * </ul>
 * A discontinuity is counted (the soak sizes history so that no resume needs one) and resynchronises both orders.
 * Callbacks of one subscriber never overlap, but may come from different threads across reconnects: synchronized.
 */
final class SequenceCheck {
    final String cache;
    final int topic;
    private final SoakStats stats;
    private long page;
    private long lastSequence;
    private long[] laneLast;
    private boolean resynchronising;
    long items;
    long sequenceGaps;
    long sequenceRepeats;
    long laneGaps;
    long laneRepeats;
    long foreign;
    long discontinuities;
    long pageChanges;

    SequenceCheck(String cache, int topic, int lanes, SoakStats stats) {
        this.cache = cache;
        this.topic = topic;
        this.stats = stats;
        this.laneLast = new long[lanes];
    }

    /** Where a reconnect resumes: the next sequence on the page, or {@code {0, 1}} (current page, first message). */
    synchronized long[] resumeAt() {
        return new long[] {page, lastSequence + 1};
    }

    /** The last position received, {@code page:sequence}, or null before the first. */
    synchronized String lastEventId() {
        return page == 0 ? null : page + ":" + lastSequence;
    }

    synchronized void item(long itemPage, long sequence, byte[] data, int offset, int length) {
        items++;
        stats.deliveries.increment();
        if (page != 0 && itemPage != page) {
            pageChanges++;
            note("page changed without a discontinuity", "a new page " + itemPage + " after " + page + " without a discontinuity");
        } else if (page != 0 || lastSequence != 0) {
            if (sequence <= lastSequence) {
                sequenceRepeats++;
                note("server sequence repeated or reordered", "sequence " + sequence + " after " + lastSequence);
            } else if (sequence != lastSequence + 1) {
                sequenceGaps++;
                note("server sequence skipped", "sequence " + sequence + " after " + lastSequence + " without a discontinuity");
            }
        } else if (sequence != 1) {
            sequenceGaps++;
            note("server sequence skipped", "first sequence " + sequence + ", not 1");
        }
        page = itemPage;
        lastSequence = sequence;
        Payload payload = Payload.decode(data, offset, length);
        if (payload == null || payload.topic != topic || payload.lane >= laneLast.length) {
            foreign++;
            note("foreign or corrupt message", "a message that is not this topic's");
            return;
        }
        long last = laneLast[payload.lane];
        if (resynchronising && last < 0) {
            laneLast[payload.lane] = payload.laneSequence;
            return;
        }
        if (payload.laneSequence <= last) {
            laneRepeats++;
            note("publisher order repeated or reordered", "lane " + payload.lane + " message " + payload.laneSequence + " after " + last);
        } else if (payload.laneSequence != last + 1) {
            laneGaps++;
            note("publisher message skipped", "lane " + payload.lane + " message " + payload.laneSequence + " after " + last);
        }
        laneLast[payload.lane] = payload.laneSequence;
    }

    synchronized void discontinuity(long lastTopicSequence, long newTopicSequence, long newPage) {
        discontinuities++;
        note("discontinuity", "discontinuity " + lastTopicSequence + " -> " + newPage + ":" + newTopicSequence);
        page = newPage;
        lastSequence = newTopicSequence - 1;
        Arrays.fill(laneLast, -1); // each lane's next message sets its baseline again
        resynchronising = true;
    }

    /** The last message received from {@code lane}. */
    synchronized long laneLast(int lane) {
        return laneLast[lane];
    }

    /** Problems found so far (a discontinuity is one: the soak sizes history so that none is needed). */
    synchronized long problems() {
        return sequenceGaps + sequenceRepeats + laneGaps + laneRepeats + foreign + discontinuities + pageChanges;
    }

    /** Lanes whose last message here is not their last acknowledged one to this topic: messages missing at the end. */
    synchronized int missingTails(Acknowledged acknowledged) {
        int missing = 0;
        for (int lane = 0; lane < acknowledged.lanes(); lane++) {
            if (laneLast[lane] != acknowledged.last(lane, topic)) {
                missing++;
            }
        }
        return missing;
    }

    private void note(String kind, String what) {
        stats.problem(kind, cache + "/t" + topic + ": " + what);
    }
}
