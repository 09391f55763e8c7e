package dev.tern.topic;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The most recent messages of one topic, bounded by count and by bytes; the newest message is always kept.
 * Not thread-safe: the owning topic guards it.
 */
final class TopicHistory {
    private final int maxMessages;
    private final long maxBytes;
    /** Created with the first message: most subscribed topics of an idle server never get one. */
    private ArrayDeque<TopicItem> items;
    private long bytes;

    TopicHistory(int maxMessages, long maxBytes) {
        this.maxMessages = Math.max(1, maxMessages);
        this.maxBytes = Math.max(1, maxBytes);
    }

    /** Appends, dropping the oldest past the bounds; returns the change in bytes held. */
    long append(TopicItem item) {
        if (items == null) {
            items = new ArrayDeque<>();
        }
        long before = bytes;
        items.addLast(item);
        bytes += item.value().size();
        while (items.size() > maxMessages || (bytes > maxBytes && items.size() > 1)) {
            bytes -= items.removeFirst().value().size();
        }
        return bytes - before;
    }

    /** Bytes of message values held. */
    long bytes() {
        return bytes;
    }

    /** Drops everything held (the server's history memory is short); returns the bytes freed. */
    long clear() {
        long freed = bytes;
        items = null;
        bytes = 0;
        return freed;
    }

    int messages() {
        return items == null ? 0 : items.size();
    }

    /** The oldest retained sequence number, or {@code nextSequence} when nothing is retained. */
    long firstRetained(long nextSequence) {
        TopicItem first = items == null ? null : items.peekFirst();
        return first == null ? nextSequence : first.sequenceNumber();
    }

    List<TopicItem> from(long sequenceNumber) {
        TopicItem first = items == null ? null : items.peekFirst();
        if (first == null) {
            return List.of();
        }
        int skip = (int) Math.max(0, sequenceNumber - first.sequenceNumber());
        if (skip >= items.size()) {
            return List.of();
        }
        List<TopicItem> result = new ArrayList<>(items.size() - skip);
        int index = 0;
        for (TopicItem item : items) {
            if (index++ >= skip) {
                result.add(item);
            }
        }
        return result;
    }
}
