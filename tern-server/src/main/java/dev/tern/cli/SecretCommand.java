package dev.tern.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;

/** {@code tern secret rotate|list}: the keys that sign tokens. */
@Command(name = "secret", mixinStandardHelpOptions = true, description = "Manage the keys that sign tokens (super-user key).",
        subcommands = {SecretCommand.Rotate.class, SecretCommand.ListKeys.class})
public final class SecretCommand {

    @Command(name = "rotate", mixinStandardHelpOptions = true, description = {
            "Add a new signing key. Tokens and keys signed with the previous one keep working for the grace period,",
            "then are refused (refresh API keys, mint tokens anew). The data directory's super-user key is signed anew."})
    static final class Rotate extends ClientCommand {
        @Option(names = "--grace", defaultValue = "24h", converter = DurationConverter.class,
                description = "How long the previous key still verifies, e.g. 90s, 1h (default: ${DEFAULT-VALUE}).")
        Duration grace;

        @Override
        void run(TernClient client) throws Exception {
            String body = "{\"grace_seconds\": " + grace.toSeconds() + "}";
            System.out.println(client.send("POST", "/signing-keys/rotate", "application/json",
                    body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the signing keys (kid, current, verifies_until).")
    static final class ListKeys extends ClientCommand {
        @Override
        void run(TernClient client) throws Exception {
            System.out.println(client.send("GET", "/signing-keys", null, null));
        }
    }
}
