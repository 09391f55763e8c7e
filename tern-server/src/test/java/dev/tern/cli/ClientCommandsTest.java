package dev.tern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tern cache|token|publish} against a running server. */
class ClientCommandsTest {
    private static RunningTern tern;
    private static String url;
    private static String key;

    @BeforeAll
    static void start() {
        tern = RunningTern.start("--long-poll-timeout", "1s");
        url = "http://127.0.0.1:" + tern.port();
        key = tern.superUserKey();
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    private static Cli.Result asSuperUser(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--url";
        all[args.length + 1] = url;
        all[args.length + 2] = "--token";
        all[args.length + 3] = key;
        return Cli.run(all);
    }

    @Test
    void webhookPutListSecretRotateDelete() {
        assertThat(asSuperUser("cache", "create", "cli-hooks").exitCode()).isZero();
        Cli.Result put = asSuperUser("webhook", "put", "cli-hooks", "my hook", "--topic", "t", "--destination", "http://127.0.0.1:9/in");
        assertThat(put.exitCode()).as(put.err()).isZero();
        String secret = TernHttp.json(put.out()).get("secret").asText();
        Cli.Result listed = asSuperUser("webhook", "list", "cli-hooks");
        assertThat(TernHttp.json(listed.out()).get("webhooks").get(0).get("name").asText()).isEqualTo("my hook");
        assertThat(TernHttp.json(asSuperUser("webhook", "secret", "cli-hooks", "my hook").out()).get("secret").asText())
                .isEqualTo(secret);
        Cli.Result rotated = asSuperUser("webhook", "rotate-secret", "cli-hooks", "my hook");
        assertThat(TernHttp.json(rotated.out()).get("secret").asText()).isNotEqualTo(secret);
        Cli.Result refused = asSuperUser("webhook", "put", "cli-hooks", "x", "--topic", "t", "--destination", "ftp://127.0.0.1/");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("http:// or https://");
        Cli.Result ownRetries = asSuperUser("webhook", "put", "cli-hooks", "my hook", "--topic", "t", "--destination",
                "http://127.0.0.1:9/in", "--retry-initial-backoff", "500ms", "--retry-max-backoff", "10s");
        assertThat(ownRetries.exitCode()).as(ownRetries.err()).isZero();
        JsonNode retry = TernHttp.json(asSuperUser("webhook", "get", "cli-hooks", "my hook").out()).get("retry");
        assertThat(retry.get("initial_backoff_ms").asLong()).isEqualTo(500);
        assertThat(retry.get("max_backoff_ms").asLong()).isEqualTo(10_000);
        Cli.Result half = asSuperUser("webhook", "put", "cli-hooks", "my hook", "--topic", "t", "--destination",
                "http://127.0.0.1:9/in", "--retry-max-backoff", "10s");
        assertThat(half.exitCode()).isEqualTo(1);
        assertThat(half.err()).contains("--retry-initial-backoff");
        assertThat(asSuperUser("webhook", "delete", "cli-hooks", "my hook").exitCode()).isZero();
        assertThat(asSuperUser("webhook", "get", "cli-hooks", "my hook").exitCode()).isEqualTo(1);
    }

    @Test
    void cacheCreateListDelete() {
        Cli.Result created = asSuperUser("cache", "create", "cli-cache", "--max-publish-rate", "7",
                "--max-subscription-count", "3", "--max-message-size-kb", "2");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(TernHttp.json(created.out()).get("name").asText()).isEqualTo("cli-cache");

        Cli.Result listed = asSuperUser("cache", "list");
        assertThat(listed.exitCode()).isZero();
        JsonNode cache = null;
        for (JsonNode c : TernHttp.json(listed.out()).get("caches")) {
            if (c.get("name").asText().equals("cli-cache")) {
                cache = c;
            }
        }
        assertThat(cache).as(listed.out()).isNotNull();
        assertThat(cache.get("topic_limits").get("max_publish_rate").asInt()).isEqualTo(7);
        assertThat(cache.get("topic_limits").get("max_subscription_count").asInt()).isEqualTo(3);
        assertThat(cache.get("topic_limits").get("max_publish_message_size_kb").asInt()).isEqualTo(2);

        Cli.Result deleted = asSuperUser("cache", "delete", "cli-cache");
        assertThat(deleted.exitCode()).isZero();
        assertThat(deleted.out()).contains("deleted cli-cache");
        assertThat(asSuperUser("cache", "list").out()).doesNotContain("cli-cache");
    }

    @Test
    void serverErrorsArePrintedWithTheirStatusAndExit1() {
        asSuperUser("cache", "create", "twice");
        Cli.Result again = asSuperUser("cache", "create", "twice");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("409");

        Cli.Result missing = asSuperUser("cache", "delete", "never-was");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("404").contains("Cache Not Found");
    }

    @Test
    void theSuperUserKeyIsReadFromTheDataDirectoryWhenNoTokenIsGiven() {
        Cli.Result listed = Cli.run("cache", "list", "--url", url, "--data-dir", tern.dataDir().toString());
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.out()).contains("\"caches\"");
    }

    @Test
    void aMissingKeyFileIsAClearError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path empty) {
        Cli.Result listed = Cli.run("cache", "list", "--url", url, "--data-dir", empty.toString());
        assertThat(listed.exitCode()).isEqualTo(1);
        assertThat(listed.err()).contains("superuser-api-key");
    }

    @Test
    void anUnreachableServerIsAClearError() {
        Cli.Result listed = Cli.run("cache", "list", "--url", "http://127.0.0.1:1", "--token", key);
        assertThat(listed.exitCode()).isEqualTo(1);
        assertThat(listed.err()).contains("cannot connect");
    }

    @Test
    void tokenCreateMintsAWorkingScopedTokenAndPublishUsesIt() {
        tern.createCache("cli-pub");
        Cli.Result minted = asSuperUser("token", "create", "--expires-in", "120", "--token-id", "cli-user",
                "--permission", "publishonly:cli-pub:news-*", "--permission", "subscribeonly:cli-pub:*");
        assertThat(minted.exitCode()).as(minted.err()).isZero();
        JsonNode answer = TernHttp.json(minted.out());
        String token = answer.get("token").asText();
        assertThat(answer.get("valid_until").asLong()).isPositive();

        Cli.Result published = Cli.run("publish", "cli-pub", "news-today", "héllo from the CLI", "--url", url, "--token", token);
        assertThat(published.exitCode()).as(published.err()).isZero();
        Cli.Result refused = Cli.run("publish", "cli-pub", "sports", "nope", "--url", url, "--token", token);
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("403");

        List<JsonNode> items = TernHttp.items(new TernHttp(tern).longPoll("cli-pub", "news-today", key, 1, 0));
        assertThat(items).hasSize(1);
        JsonNode item = items.get(0).get("item");
        assertThat(item.get("value").get("text").asText()).isEqualTo("héllo from the CLI");
        assertThat(item.get("publisher_id").asText()).isEqualTo("cli-user");
    }

    @Test
    void tokenCreateForASuperUser() {
        Cli.Result minted = asSuperUser("token", "create", "--super-user", "--expires-in", "60");
        assertThat(minted.exitCode()).as(minted.err()).isZero();
        String token = TernHttp.json(minted.out()).get("token").asText();
        assertThat(Cli.run("cache", "list", "--url", url, "--token", token).exitCode()).isZero();
    }

    @Test
    void tokenCreateRejectsAMalformedPermissionAndAnOverlongExpiry() {
        Cli.Result malformed = asSuperUser("token", "create", "--permission", "publishonly-everything");
        assertThat(malformed.exitCode()).isNotZero();
        assertThat(malformed.err()).contains("ROLE:CACHE:TOPIC");

        Cli.Result tooLong = asSuperUser("token", "create", "--super-user", "--expires-in", "7200");
        assertThat(tooLong.exitCode()).isEqualTo(1);
        assertThat(tooLong.err()).contains("400").contains("3600");
    }
}
