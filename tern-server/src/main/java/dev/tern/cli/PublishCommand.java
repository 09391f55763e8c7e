package dev.tern.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;

/** {@code tern publish CACHE TOPIC MESSAGE}. */
@Command(name = "publish", mixinStandardHelpOptions = true, description = "Publish a text message.")
public final class PublishCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "CACHE")
    String cache;
    @Parameters(index = "1", paramLabel = "TOPIC")
    String topic;
    @Parameters(index = "2", paramLabel = "MESSAGE")
    String message;

    @Override
    void run(TernClient client) throws Exception {
        client.send("POST", "/topics/" + TernClient.segment(cache) + "/" + TernClient.segment(topic),
                "text/plain; charset=utf-8", message.getBytes(StandardCharsets.UTF_8));
    }
}
