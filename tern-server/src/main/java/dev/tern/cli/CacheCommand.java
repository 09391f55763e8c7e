package dev.tern.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** {@code tern cache create|list|delete}. */
@Command(name = "cache", mixinStandardHelpOptions = true, description = "Manage caches (super-user key).",
        subcommands = {CacheCommand.Create.class, CacheCommand.ListCaches.class, CacheCommand.Delete.class})
public final class CacheCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a cache.")
    static final class Create extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--max-publish-rate", description = "Messages per second; 0 = unlimited.")
        Integer maxPublishRate;
        @Option(names = "--max-subscription-count", description = "Concurrent subscriptions; 0 = unlimited.")
        Integer maxSubscriptionCount;
        @Option(names = "--max-message-size-kb", description = "Largest message in KiB.")
        Integer maxMessageSizeKb;

        @Override
        void run(TernClient client) throws Exception {
            List<String> fields = new ArrayList<>();
            if (maxPublishRate != null) {
                fields.add("\"max_publish_rate\":" + maxPublishRate);
            }
            if (maxSubscriptionCount != null) {
                fields.add("\"max_subscription_count\":" + maxSubscriptionCount);
            }
            if (maxMessageSizeKb != null) {
                fields.add("\"max_publish_message_size_kb\":" + maxMessageSizeKb);
            }
            String body = "{" + String.join(",", fields) + "}";
            System.out.println(client.send("PUT", "/caches/" + TernClient.segment(name), "application/json",
                    body.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List caches and their limits.")
    static final class ListCaches extends ClientCommand {
        @Override
        void run(TernClient client) throws Exception {
            System.out.println(client.send("GET", "/caches", null, null));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a cache and end its subscriptions.")
    static final class Delete extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        void run(TernClient client) throws Exception {
            client.send("DELETE", "/caches/" + TernClient.segment(name), null, null);
            System.out.println("deleted " + name);
        }
    }
}
