package dev.tern.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code tern token create}. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Mint tokens (super-user key).",
        subcommands = TokenCommand.Create.class)
public final class TokenCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, description = {
            "Mint a disposable token and print the JSON answer.",
            "A permission is ROLE:CACHE:TOPIC, ROLE one of publishsubscribe, subscribeonly, publishonly;",
            "CACHE a name or *; TOPIC a name, * for all, or a prefix ending in * (chat-*)."})
    static final class Create extends ClientCommand {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Option(names = "--expires-in", defaultValue = "3600", description = "Seconds until it expires, at most 3600 (default: ${DEFAULT-VALUE}).")
        long expiresIn;

        @Option(names = "--token-id", description = "Shown to subscribers as the publisher id of what this token publishes.")
        String tokenId;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Scope scope;

        static final class Scope {
            @Option(names = "--super-user", description = "Grant everything.")
            boolean superUser;

            @Option(names = "--permission", paramLabel = "ROLE:CACHE:TOPIC", description = "Up to 10.")
            List<String> permissions;
        }

        @Override
        void run(TernClient client) throws Exception {
            ObjectNode body = JSON.createObjectNode();
            body.put("expires_in_seconds", expiresIn);
            if (tokenId != null) {
                body.put("token_id", tokenId);
            }
            if (scope.superUser) {
                body.put("permissions", "super_user");
            } else {
                ArrayNode permissions = body.putArray("permissions");
                for (String permission : scope.permissions) {
                    permissions.add(parse(permission));
                }
            }
            System.out.println(client.send("POST", "/tokens", "application/json", JSON.writeValueAsBytes(body)));
        }

        static ObjectNode parse(String permission) {
            String[] parts = permission.split(":", 3);
            if (parts.length != 3) {
                throw new IllegalStateException("permission must be ROLE:CACHE:TOPIC, got " + permission);
            }
            ObjectNode node = JSON.createObjectNode();
            node.put("role", parts[0]);
            node.put("cache", parts[1]);
            String topic = parts[2];
            if (topic.length() > 1 && topic.endsWith("*")) {
                node.putObject("topic").put("prefix", topic.substring(0, topic.length() - 1));
            } else {
                node.put("topic", topic);
            }
            return node;
        }
    }
}
