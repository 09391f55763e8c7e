package dev.tern.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code tern webhook put|list|get|delete|secret|rotate-secret}. */
@Command(name = "webhook", mixinStandardHelpOptions = true,
        description = "Manage the webhooks of a cache: each message published to a topic is POSTed to a URL (super-user key).",
        subcommands = {WebhookCommand.Put.class, WebhookCommand.ListWebhooks.class, WebhookCommand.Get.class,
                WebhookCommand.Delete.class, WebhookCommand.Secret.class, WebhookCommand.Rotate.class})
public final class WebhookCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String path(String cache, String name) {
        return "/caches/" + TernClient.segment(cache) + "/webhooks" + (name == null ? "" : "/" + TernClient.segment(name));
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = "Create or replace a webhook; prints it with its signing secret.")
    static final class Put extends ClientCommand {
        @Parameters(index = "0", paramLabel = "CACHE")
        String cache;
        @Parameters(index = "1", paramLabel = "NAME")
        String name;
        @Option(names = "--topic", required = true, description = "The topic whose messages are delivered.")
        String topic;
        @Option(names = "--destination", required = true, description = "The URL each message is POSTed to (http or https).")
        String destination;
        @Option(names = "--retry-initial-backoff", converter = DurationConverter.class,
                description = "This webhook's wait before its first retry, e.g. 500ms (with --retry-max-backoff; "
                        + "default: the server's --webhook-retry-initial-backoff).")
        Duration initialBackoff;
        @Option(names = "--retry-max-backoff", converter = DurationConverter.class,
                description = "This webhook's longest wait between retries, e.g. 10s (with --retry-initial-backoff; "
                        + "default: the server's --webhook-retry-max-backoff).")
        Duration maxBackoff;

        @Override
        void run(TernClient client) throws Exception {
            if ((initialBackoff == null) != (maxBackoff == null)) {
                throw new IllegalStateException("give both --retry-initial-backoff and --retry-max-backoff, or neither");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("topic", topic);
            body.put("url", destination);
            if (initialBackoff != null) {
                body.put("retry", Map.of("initial_backoff_ms", initialBackoff.toMillis(),
                        "max_backoff_ms", maxBackoff.toMillis()));
            }
            System.out.println(client.send("PUT", path(cache, name), "application/json", JSON.writeValueAsBytes(body)));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a cache's webhooks and their delivery state.")
    static final class ListWebhooks extends ClientCommand {
        @Parameters(paramLabel = "CACHE")
        String cache;

        @Override
        void run(TernClient client) throws Exception {
            System.out.println(client.send("GET", path(cache, null), null, null));
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one webhook and its delivery state.")
    static final class Get extends ClientCommand {
        @Parameters(index = "0", paramLabel = "CACHE")
        String cache;
        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Override
        void run(TernClient client) throws Exception {
            System.out.println(client.send("GET", path(cache, name), null, null));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a webhook; delivery stops at once.")
    static final class Delete extends ClientCommand {
        @Parameters(index = "0", paramLabel = "CACHE")
        String cache;
        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Override
        void run(TernClient client) throws Exception {
            client.send("DELETE", path(cache, name), null, null);
            System.out.println("deleted webhook " + name);
        }
    }

    @Command(name = "secret", mixinStandardHelpOptions = true, description = "Print a webhook's signing secret.")
    static final class Secret extends ClientCommand {
        @Parameters(index = "0", paramLabel = "CACHE")
        String cache;
        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Override
        void run(TernClient client) throws Exception {
            System.out.println(client.send("GET", path(cache, name) + "/secret", null, null));
        }
    }

    @Command(name = "rotate-secret", mixinStandardHelpOptions = true,
            description = "Give a webhook a new signing secret, used from the next delivery attempt on; prints it.")
    static final class Rotate extends ClientCommand {
        @Parameters(index = "0", paramLabel = "CACHE")
        String cache;
        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Override
        void run(TernClient client) throws Exception {
            System.out.println(client.send("POST", path(cache, name) + "/secret/rotate", null, null));
        }
    }
}
