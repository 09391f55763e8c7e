package dev.tern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tern key create|list|revoke|refresh} and {@code tern secret rotate|list} against a running server. */
class KeyCommandsTest {
    private static RunningTern tern;
    private static String url;

    @BeforeAll
    static void start() {
        tern = RunningTern.start();
        url = "http://127.0.0.1:" + tern.port();
        tern.createCache("cli-keys");
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    /** Runs a command with --url and the super-user key from the data directory (no --token). */
    private static Cli.Result run(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--url";
        all[args.length + 1] = url;
        all[args.length + 2] = "--data-dir";
        all[args.length + 3] = tern.dataDir().toString();
        return Cli.run(all);
    }

    @Test
    void createListRefreshRevoke() {
        Cli.Result created = run("key", "create", "--description", "from the cli", "--expires-in", "3600",
                "--permission", "publishonly:cli-keys:orders");
        assertThat(created.exitCode()).as(created.err()).isZero();
        JsonNode key = TernHttp.json(created.out());
        String apiKey = key.get("api_key").asText();
        assertThat(new TernHttp(tern).publishText("cli-keys", "orders", apiKey, "x").statusCode()).isEqualTo(204);
        assertThat(new TernHttp(tern).publishText("cli-keys", "other", apiKey, "x").statusCode()).isEqualTo(403);

        Cli.Result listed = run("key", "list");
        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out()).contains(key.get("id").asText()).contains("from the cli");

        Cli.Result refreshed = run("key", "refresh", "--api-key", apiKey, "--refresh-token", key.get("refresh_token").asText());
        assertThat(refreshed.exitCode()).as(refreshed.err()).isZero();
        String newKey = TernHttp.json(refreshed.out()).get("api_key").asText();
        Cli.Result again = run("key", "refresh", "--api-key", apiKey, "--refresh-token", key.get("refresh_token").asText());
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("401");

        Cli.Result revoked = run("key", "revoke", key.get("id").asText());
        assertThat(revoked.exitCode()).as(revoked.err()).isZero();
        assertThat(new TernHttp(tern).publishText("cli-keys", "orders", apiKey, "x").statusCode()).isEqualTo(401);
        assertThat(new TernHttp(tern).publishText("cli-keys", "orders", newKey, "x").statusCode()).isEqualTo(204);
        Cli.Result unknown = run("key", "revoke", "no-such-key");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("404");

        Cli.Result v2 = run("key", "create", "--super-user", "--v2");
        assertThat(v2.exitCode()).as(v2.err()).isZero();
        assertThat(TernHttp.json(v2.out()).get("api_key").asText().split("\\.")).hasSize(3);
    }

    @Test
    void secretRotateSignsWithANewKid() {
        Cli.Result rotated = run("secret", "rotate", "--grace", "1h");
        assertThat(rotated.exitCode()).as(rotated.err()).isZero();
        // The in-process server logs to the same stdout; the command's answer is its last line.
        String[] lines = rotated.out().trim().split("\n");
        JsonNode answer = TernHttp.json(lines[lines.length - 1]);
        assertThat(answer.get("grace_seconds").asLong()).isEqualTo(3600);
        Cli.Result listed = run("secret", "list");
        assertThat(listed.exitCode()).isZero();
        assertThat(TernHttp.json(listed.out()).get("current").asText()).isEqualTo(answer.get("kid").asText());
        // The CLI's own key (the data directory's) was signed anew and still works.
        assertThat(run("key", "list").exitCode()).isZero();
    }
}
