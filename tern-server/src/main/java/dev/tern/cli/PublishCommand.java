package dev.tern.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tern publish CACHE TOPIC MESSAGE [--idempotency-key KEY]}: prints the position the message was given
 * ({@code page:sequence}). {@code tern publish CACHE --batch FILE}: publishes a batch (a JSON array, or NDJSON) and
 * prints the server's results.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish a text message (or a batch of messages from a file) and print where it went.")
public final class PublishCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "CACHE")
    String cache;
    @Parameters(index = "1..*", arity = "0..2", paramLabel = "TOPIC MESSAGE", description = "The topic and the message (not with --batch).")
    List<String> topicAndMessage = new ArrayList<>();
    @Option(names = "--idempotency-key", paramLabel = "KEY",
            description = "Retry safely: a repeat with the same key (and message) within the server's window publishes nothing.")
    String idempotencyKey;
    @Option(names = "--batch", paramLabel = "FILE",
            description = "Publish every item of FILE: a JSON array of {\"topic\":..,\"text\":..|\"binary\":..}, or one such object per line (NDJSON).")
    Path batch;

    @Override
    void run(TernClient client) throws Exception {
        if (batch != null) {
            if (!topicAndMessage.isEmpty() || idempotencyKey != null) {
                throw new IllegalStateException("--batch takes no TOPIC or MESSAGE (give idempotency_key per item)");
            }
            byte[] body = Files.readAllBytes(batch);
            String text = new String(body, StandardCharsets.UTF_8).stripLeading();
            String contentType = text.startsWith("[") ? "application/json" : "application/x-ndjson";
            System.out.println(client.send("POST", "/caches/" + TernClient.segment(cache) + "/batch", contentType, body));
            return;
        }
        if (topicAndMessage.size() != 2) {
            throw new IllegalStateException("give CACHE TOPIC MESSAGE, or CACHE --batch FILE");
        }
        String[] headers = idempotencyKey == null ? new String[0] : new String[]{"Idempotency-Key", idempotencyKey};
        HttpResponse<String> response = client.exchange("POST",
                "/topics/" + TernClient.segment(cache) + "/" + TernClient.segment(topicAndMessage.get(0)),
                "text/plain; charset=utf-8", topicAndMessage.get(1).getBytes(StandardCharsets.UTF_8), headers);
        System.out.println(response.headers().firstValue("Tern-Sequence-Page").orElse("?") + ":"
                + response.headers().firstValue("Tern-Topic-Sequence-Number").orElse("?"));
    }
}
