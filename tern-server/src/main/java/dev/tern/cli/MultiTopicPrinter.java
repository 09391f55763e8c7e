package dev.tern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows many topics on one {@code /caches/{cache}/events} stream and prints {@code topic page:sequence text} per
 * message. When the stream breaks it reconnects with the last event id, so every topic resumes where it left off.
 */
final class MultiTopicPrinter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String path;
    private final boolean json;
    private final long count;
    private String lastEventId;
    private long received;

    MultiTopicPrinter(String cache, List<String> topics, List<String> prefixes, boolean json, long count) {
        List<String> query = new ArrayList<>();
        topics.forEach(topic -> query.add("topic=" + TernClient.segment(topic)));
        prefixes.forEach(prefix -> query.add("prefix=" + TernClient.segment(prefix)));
        this.path = "/caches/" + TernClient.segment(cache) + "/events?" + String.join("&", query);
        this.json = json;
        this.count = count;
    }

    void run(TernClient client) throws Exception {
        while (true) {
            HttpResponse<InputStream> response = client.stream(path, lastEventId);
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                if (read(in)) {
                    return;
                }
            } catch (IOException e) {
                System.err.println("tern: stream broke (" + e.getMessage() + "); resuming");
            }
            Thread.sleep(500);
        }
    }

    /** Reads events until the count is reached (true) or the stream ends (false: reconnect). */
    private boolean read(BufferedReader in) throws IOException {
        StringBuilder data = new StringBuilder();
        String id = null;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                if (id != null) {
                    lastEventId = id;
                    id = null;
                }
                if (!data.isEmpty() && print(data.toString())) {
                    return true;
                }
                data.setLength(0);
            } else if (line.startsWith("id:")) {
                id = line.substring(3).strip();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).strip());
            }
        }
        return false;
    }

    /** Prints one event; true once the count is reached or the server ended the stream for good. */
    private boolean print(String data) throws IOException {
        JsonNode event = JSON.readTree(data);
        if (json) {
            System.out.println(event);
        }
        JsonNode item = event.get("item");
        if (event.has("end")) {
            if (!json) {
                System.out.println("# end " + event.get("end"));
            }
            System.out.flush();
            return true;
        }
        String topic = event.path("topic").asText();
        if (item != null) {
            if (!json) {
                JsonNode value = item.get("value");
                String text = value.has("text") ? value.get("text").asText() : "(binary) " + value.get("binary").asText();
                System.out.println(topic + " " + item.get("sequence_page").asLong() + ":"
                        + item.get("topic_sequence_number").asLong() + " " + text);
            }
            received++;
        } else if (!json) {
            System.out.println("# " + topic + " " + (event.has("discontinuity")
                    ? "discontinuity " + event.get("discontinuity") : "error " + event.get("error")));
        }
        System.out.flush();
        return count != 0 && received >= count;
    }
}
