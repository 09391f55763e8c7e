package dev.tern.http.stream;

import dev.tern.error.TernException;
import dev.tern.pubsub.MultiTopicSubscription;
import dev.tern.pubsub.TopicPosition;
import dev.tern.topic.TopicKey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The event id of a multi-topic stream: the position of every topic, so that {@code Last-Event-ID} resumes them
 * all. An entry is {@code <topic digest>.<page>.<sequence>} (page and sequence in base 36), entries are joined by
 * commas. A topic is named by the first 40 bits of the SHA-256 of its name, in hex: ten characters whatever the
 * name's length, which keeps the header of a reconnect small (100 topics: under 3 KB).
 */
final class MultiTopicEventId {
    private static final int DIGEST_CHARS = 10;

    private MultiTopicEventId() {
    }

    /** {@code digests}: each topic's {@link #digest}, kept by the stream so it is computed once per topic. */
    static String encode(Map<TopicKey, TopicPosition> positions, Map<TopicKey, String> digests) {
        StringBuilder id = new StringBuilder(positions.size() * 28);
        for (Map.Entry<TopicKey, TopicPosition> entry : positions.entrySet()) {
            if (!id.isEmpty()) {
                id.append(',');
            }
            id.append(digests.computeIfAbsent(entry.getKey(), topic -> digest(topic.topicName()))).append('.')
                    .append(Long.toString(entry.getValue().sequencePage(), 36)).append('.')
                    .append(Long.toString(entry.getValue().sequenceNumber(), 36));
        }
        return id.toString();
    }

    /** The positions in a {@code Last-Event-ID}; 400 when it is not one Tern wrote. */
    static MultiTopicSubscription.ResumePositions decode(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return MultiTopicSubscription.ResumePositions.NONE;
        }
        String[] entries = lastEventId.trim().split(",", -1);
        if (entries.length > MultiTopicSubscription.MAX_TOPICS) {
            throw malformed();
        }
        Map<String, TopicPosition> byDigest = new HashMap<>();
        for (String entry : entries) {
            String[] parts = entry.split("\\.", -1);
            if (parts.length != 3 || parts[0].length() != DIGEST_CHARS || !parts[0].matches("[0-9a-f]+")) {
                throw malformed();
            }
            try {
                long page = Long.parseLong(parts[1], 36);
                long sequence = Long.parseLong(parts[2], 36);
                if (page < 0 || sequence < 0 || sequence == Long.MAX_VALUE) {
                    throw malformed();
                }
                byDigest.put(parts[0], new TopicPosition(page, sequence));
            } catch (NumberFormatException e) {
                throw malformed();
            }
        }
        return new MultiTopicSubscription.ResumePositions() {
            @Override
            public TopicPosition of(TopicKey topic) {
                return byDigest.get(digest(topic.topicName()));
            }

            @Override
            public boolean resuming() {
                return true;
            }
        };
    }

    private static TernException malformed() {
        return TernException.badRequest("Last-Event-ID is not the id of a multi-topic stream of this server");
    }

    static String digest(String topicName) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(topicName.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha, 0, DIGEST_CHARS / 2);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
