package dev.tern.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code tern key create|list|revoke|refresh}: long-lived API keys. */
@Command(name = "key", mixinStandardHelpOptions = true, description = "Manage long-lived API keys (super-user key).",
        subcommands = {KeyCommand.Create.class, KeyCommand.ListKeys.class, KeyCommand.Revoke.class, KeyCommand.Refresh.class})
public final class KeyCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Command(name = "create", mixinStandardHelpOptions = true, description = {
            "Create an API key and print the JSON answer (id, api_key, refresh_token, endpoint, valid_until).",
            "A permission is ROLE:CACHE:TOPIC as for 'tern token create'."})
    static final class Create extends ClientCommand {
        @Option(names = "--expires-in", description = "Seconds until it expires (default: never).")
        Long expiresIn;

        @Option(names = "--description", description = "Shown by 'tern key list'.")
        String description;

        @Option(names = "--token-id", description = "Shown to subscribers as the publisher id of what this key publishes.")
        String tokenId;

        @Option(names = "--v2", description = "Issue a v2 key (for CredentialProvider.fromApiKeyV2 / fromEnvVarV2).")
        boolean v2;

        @ArgGroup(exclusive = true, multiplicity = "1")
        TokenCommand.Create.Scope scope;

        @Override
        void run(TernClient client) throws Exception {
            ObjectNode body = JSON.createObjectNode();
            if (expiresIn != null) {
                body.put("expires_in_seconds", expiresIn);
            }
            if (description != null) {
                body.put("description", description);
            }
            if (tokenId != null) {
                body.put("token_id", tokenId);
            }
            if (v2) {
                body.put("v2", true);
            }
            if (scope.superUser) {
                body.put("permissions", "super_user");
            } else {
                ArrayNode permissions = body.putArray("permissions");
                for (String permission : scope.permissions) {
                    permissions.add(TokenCommand.Create.parse(permission));
                }
            }
            System.out.println(client.send("POST", "/api-keys", "application/json", JSON.writeValueAsBytes(body)));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the API keys that have not expired (JSON).")
    static final class ListKeys extends ClientCommand {
        @Override
        void run(TernClient client) throws Exception {
            System.out.println(client.send("GET", "/api-keys", null, null));
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke API keys by id, on every node.")
    static final class Revoke extends ClientCommand {
        @Parameters(arity = "1..*", paramLabel = "ID")
        List<String> ids;

        @Override
        void run(TernClient client) throws Exception {
            for (String id : ids) {
                client.send("DELETE", "/api-keys/" + TernClient.segment(id), null, null);
                System.out.println("revoked " + id);
            }
        }
    }

    @Command(name = "refresh", mixinStandardHelpOptions = true, description = {
            "Trade an API key and its refresh token for a new pair (JSON answer); the refresh token works once."})
    static final class Refresh extends ClientCommand {
        @Option(names = "--api-key", required = true, description = "The key to refresh.")
        String apiKey;

        @Option(names = "--refresh-token", required = true, description = "Its refresh token.")
        String refreshToken;

        @Override
        void run(TernClient client) throws Exception {
            ObjectNode body = JSON.createObjectNode().put("api_key", apiKey).put("refresh_token", refreshToken);
            System.out.println(client.send("POST", "/api-keys/refresh", "application/json", JSON.writeValueAsBytes(body)));
        }
    }
}
