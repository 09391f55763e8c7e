package dev.tern.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.testing.RunningTern;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * A subscriber that long-polls a topic the way a client does, resuming each poll from its last position, possibly
 * on a different node each time. It checks the invariant every Redis test relies on: each item is exactly the next
 * one of its page, unless an explicit discontinuity came first. Violations are collected, not thrown, so a test can
 * report them all.
 */
final class TopicFollower {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String path;
    private final String token;
    final List<String> values = Collections.synchronizedList(new ArrayList<>());
    final List<JsonNode> discontinuities = Collections.synchronizedList(new ArrayList<>());
    final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
    volatile long page;
    volatile long next = 1;
    /** Where deliveries are also recorded for a {@link dev.tern.testing.PublishHistory} check, if anywhere. */
    volatile dev.tern.testing.PublishHistory.Subscriber record;

    TopicFollower(String cache, String topic, String token) {
        this.path = "/topics/" + cache + "/" + topic;
        this.token = token;
    }

    /** One long poll on the given node; returns the HTTP status. */
    int poll(RunningTern node) {
        URI uri = node.uri(path + "?sequence_number=" + next + (page == 0 ? "" : "&sequence_page=" + page));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", token).GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            statuses.add(-1);
            return -1;
        }
        statuses.add(response.statusCode());
        if (response.statusCode() != 200) {
            return response.statusCode();
        }
        try {
            for (JsonNode event : JSON.readTree(response.body()).path("items")) {
                accept(event);
            }
        } catch (Exception e) {
            violations.add("unreadable answer " + response.body());
        }
        return 200;
    }

    private void accept(JsonNode event) {
        if (event.has("discontinuity")) {
            JsonNode gap = event.get("discontinuity");
            discontinuities.add(gap);
            page = gap.path("new_sequence_page").asLong();
            next = gap.path("new_topic_sequence").asLong();
            if (record != null) {
                record.discontinuity(next, page);
            }
            return;
        }
        JsonNode item = event.path("item");
        if (item.isMissingNode()) {
            return;
        }
        long itemPage = item.path("sequence_page").asLong();
        long itemSeq = item.path("topic_sequence_number").asLong();
        if ((page != 0 && itemPage != page) || itemSeq != next) {
            violations.add("expected " + page + "/" + next + " but got " + itemPage + "/" + itemSeq + " without a discontinuity");
        }
        page = itemPage;
        next = itemSeq + 1;
        values.add(item.path("value").path("text").asText());
        if (record != null) {
            record.item(itemPage, itemSeq, item.path("value").path("text").asText());
        }
    }

    /** Polls (round robin over the nodes) until the condition holds or the time is up. */
    boolean pollUntil(Supplier<Boolean> done, Duration within, RunningTern... nodes) {
        long deadline = System.nanoTime() + within.toNanos();
        int i = 0;
        while (System.nanoTime() < deadline) {
            if (done.get()) {
                return true;
            }
            poll(nodes[i++ % nodes.length]);
        }
        return done.get();
    }
}
