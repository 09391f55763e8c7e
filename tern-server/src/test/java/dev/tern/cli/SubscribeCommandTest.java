package dev.tern.cli;

import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tern subscribe}: prints each message as it arrives, {@code page:sequence text}. */
class SubscribeCommandTest {

    @Test
    void printsMessagesFromHistoryAndLiveThenStopsAfterCount() throws Exception {
        try (RunningTern tern = RunningTern.start("--long-poll-timeout", "500ms")) {
            String url = "http://127.0.0.1:" + tern.port();
            String key = tern.superUserKey();
            tern.createCache("cli-sub");
            TernHttp http = new TernHttp(tern);
            http.publishText("cli-sub", "t", key, "from history");
            http.publish("cli-sub", "t", key, "application/octet-stream", new byte[]{1, 2, 3});

            CompletableFuture<Cli.Result> subscriber = CompletableFuture.supplyAsync(() -> Cli.run(
                    "subscribe", "cli-sub", "t", "--sequence-number", "1", "--count", "3", "--url", url, "--token", key));
            // The third message comes live, after at least one empty long-poll round.
            Thread.sleep(800);
            assertThat(subscriber).isNotDone();
            http.publishText("cli-sub", "t", key, "live one");

            Cli.Result result = subscriber.get(10, TimeUnit.SECONDS);
            assertThat(result.exitCode()).as(result.err()).isZero();
            long page = TernHttp.items(http.longPoll("cli-sub", "t", key, 1, 0)).get(0).get("item").get("sequence_page").asLong();
            assertThat(result.out().lines().filter(l -> l.startsWith(page + ":")))
                    .containsExactly(page + ":1 from history", page + ":2 (binary) AQID", page + ":3 live one");
        }
    }

    @Test
    void jsonModePrintsTheServersEventsIncludingDiscontinuities() throws Exception {
        try (RunningTern tern = RunningTern.start("--long-poll-timeout", "500ms", "--history-messages", "2")) {
            String url = "http://127.0.0.1:" + tern.port();
            String key = tern.superUserKey();
            tern.createCache("cli-json");
            TernHttp http = new TernHttp(tern);
            for (int i = 1; i <= 4; i++) {
                http.publishText("cli-json", "t", key, "m" + i);
            }
            Cli.Result result = CompletableFuture.supplyAsync(() -> Cli.run("subscribe", "cli-json", "t",
                    "--sequence-number", "1", "--count", "2", "--json", "--url", url, "--token", key))
                    .get(10, TimeUnit.SECONDS);
            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out().lines().filter(l -> l.startsWith("{")))
                    .hasSize(3)
                    .first().satisfies(l -> assertThat(TernHttp.json(l).get("discontinuity").get("new_topic_sequence").asLong()).isEqualTo(3));
        }
    }

    @Test
    void byDefaultPrintsOnlyNewMessages() throws Exception {
        try (RunningTern tern = RunningTern.start("--long-poll-timeout", "500ms")) {
            String url = "http://127.0.0.1:" + tern.port();
            String key = tern.superUserKey();
            tern.createCache("cli-live");
            TernHttp http = new TernHttp(tern);
            http.publishText("cli-live", "t", key, "old news");

            CompletableFuture<Cli.Result> subscriber = CompletableFuture.supplyAsync(() -> Cli.run(
                    "subscribe", "cli-live", "t", "--count", "2", "--url", url, "--token", key));
            http.awaitSubscribers(1);
            http.publishText("cli-live", "t", key, "fresh 1");
            http.publishText("cli-live", "t", key, "fresh 2");

            Cli.Result result = subscriber.get(10, TimeUnit.SECONDS);
            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out()).doesNotContain("old news");
            assertThat(result.out().lines().filter(l -> l.contains("fresh")).map(l -> l.substring(l.indexOf(':') + 1)))
                    .containsExactly("2 fresh 1", "3 fresh 2");
        }
    }

    @Test
    void subscribeToAMissingCacheFailsWith404() {
        try (RunningTern tern = RunningTern.start()) {
            Cli.Result result = Cli.run("subscribe", "absent", "t", "--url", "http://127.0.0.1:" + tern.port(),
                    "--token", tern.superUserKey());
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err()).contains("404").contains("Cache Not Found");
        }
    }
}
