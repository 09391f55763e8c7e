package dev.tern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code tern subscribe CACHE TOPIC}: long-polls and prints each message as it arrives, one line each:
 * {@code page:sequence text} (binary values in base64, discontinuities as {@code # discontinuity ...}).
 * With several topics or {@code --prefix}, follows them all on one multi-topic event stream and prints
 * {@code topic page:sequence text}, reconnecting where it left off when the stream breaks.
 */
@Command(name = "subscribe", mixinStandardHelpOptions = true,
        description = "Print messages of one or more topics (or of every topic under a prefix) as they arrive.")
public final class SubscribeCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "CACHE")
    String cache;
    @Parameters(index = "1..*", arity = "0..*", paramLabel = "TOPIC")
    List<String> topics = new ArrayList<>();
    @Option(names = "--prefix", paramLabel = "PREFIX", description = "Also follow every topic whose name starts with PREFIX (repeatable).")
    List<String> prefixes = new ArrayList<>();
    @Option(names = "--sequence-number", defaultValue = "0", description = "Start here (0: only new messages).")
    long sequenceNumber;
    @Option(names = "--sequence-page", defaultValue = "0", description = "Page of --sequence-number.")
    long sequencePage;
    @Option(names = "--json", description = "Print each event as the server's JSON.")
    boolean json;
    @Option(names = "--count", defaultValue = "0", description = "Exit after this many messages (0: never).")
    long count;

    @Override
    void run(TernClient client) throws Exception {
        if (topics.isEmpty() && prefixes.isEmpty()) {
            throw new IllegalStateException("name at least one TOPIC or --prefix");
        }
        if (topics.size() == 1 && prefixes.isEmpty()) {
            longPoll(client, topics.get(0));
        } else {
            if (sequenceNumber != 0 || sequencePage != 0) {
                throw new IllegalStateException("--sequence-number and --sequence-page go with a single TOPIC");
            }
            new MultiTopicPrinter(cache, topics, prefixes, json, count).run(client);
        }
    }

    private void longPoll(TernClient client, String topic) throws Exception {
        TopicPoller poller = new TopicPoller(client, cache, topic, sequenceNumber, sequencePage);
        long received = 0;
        while (count == 0 || received < count) {
            for (JsonNode event : poller.poll()) {
                if (json) {
                    System.out.println(event);
                }
                JsonNode item = event.get("item");
                JsonNode gap = event.get("discontinuity");
                if (item != null) {
                    if (!json) {
                        JsonNode value = item.get("value");
                        String text = value.has("text") ? value.get("text").asText() : "(binary) " + value.get("binary").asText();
                        System.out.println(item.get("sequence_page").asLong() + ":" + item.get("topic_sequence_number").asLong() + " " + text);
                    }
                    if (count != 0 && ++received >= count) {
                        break;
                    }
                } else if (gap != null && !json) {
                    System.out.println("# discontinuity " + gap);
                }
            }
            System.out.flush();
        }
    }
}
