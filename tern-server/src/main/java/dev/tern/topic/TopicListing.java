package dev.tern.topic;

import java.util.List;

/**
 * A cache's live topics as an engine sees them ({@code GET /caches/{cache}/topics}).
 *
 * @param scope  {@code server}: every subscriber of this server; {@code cluster}: the figures of every node sharing
 *               the topics (Redis), summed
 * @param nodes  how many nodes' figures are in it (1 for a single server)
 * @param topics the topics, in no particular order
 */
public record TopicListing(String scope, int nodes, List<TopicSnapshot> topics) {
    public static final String SERVER = "server";
    public static final String CLUSTER = "cluster";

    public TopicListing {
        topics = List.copyOf(topics);
    }
}
