package dev.tern.pubsub;

/** The last place delivered on one topic: its page and the sequence number of the last item (or the one before the next). */
public record TopicPosition(long sequencePage, long sequenceNumber) {
}
