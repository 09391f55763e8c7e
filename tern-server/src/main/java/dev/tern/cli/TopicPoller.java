package dev.tern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows a topic with long polls, keeping the position between them. A live-only start ({@code sequence_number}
 * 0) first learns where the topic stands, so that a message published between two polls is not missed: it asks for
 * a position beyond any topic's end, which the server answers at once with a discontinuity naming the next
 * sequence and the page, and follows from there.
 */
final class TopicPoller {
    /** Beyond any sequence a topic reaches (2^53 - 1, the largest JSON-safe integer). */
    private static final long BEYOND_ANY_TOPIC = (1L << 53) - 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TernClient client;
    private final String path;
    private long next;
    private long page;

    TopicPoller(TernClient client, String cache, String topic, long sequenceNumber, long sequencePage) {
        this.client = client;
        this.path = "/topics/" + TernClient.segment(cache) + "/" + TernClient.segment(topic);
        this.next = sequenceNumber;
        this.page = sequencePage;
    }

    /** One long poll from the current position: its events (items and discontinuities), and the position moved past them. */
    List<JsonNode> poll() throws IOException, InterruptedException {
        if (next == 0) {
            for (JsonNode event : request(BEYOND_ANY_TOPIC, 0)) {
                follow(event);
            }
        }
        List<JsonNode> events = new ArrayList<>();
        for (JsonNode event : request(next, page)) {
            follow(event);
            events.add(event);
        }
        return events;
    }

    private JsonNode request(long sequenceNumber, long sequencePage) throws IOException, InterruptedException {
        return JSON.readTree(client.send("GET",
                path + "?sequence_number=" + sequenceNumber + "&sequence_page=" + sequencePage, null, null)).path("items");
    }

    private void follow(JsonNode event) {
        JsonNode item = event.get("item");
        JsonNode gap = event.get("discontinuity");
        if (item != null) {
            next = item.get("topic_sequence_number").asLong() + 1;
            page = item.get("sequence_page").asLong();
        } else if (gap != null) {
            next = gap.get("new_topic_sequence").asLong();
            page = gap.get("new_sequence_page").asLong();
        }
    }
}
