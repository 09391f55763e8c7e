package dev.tern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tern publish --idempotency-key}, {@code tern publish --batch}, {@code tern subscribe} with many topics. */
class MultiTopicCliTest {
    private static RunningTern tern;
    private static TernHttp http;
    private static String url;
    private static String key;

    @BeforeAll
    static void start() {
        tern = RunningTern.start("--long-poll-timeout", "1s");
        http = new TernHttp(tern);
        url = "http://127.0.0.1:" + tern.port();
        key = tern.superUserKey();
        tern.createCache("cli-multi");
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    @Test
    void publishPrintsThePositionAndARepeatedIdempotencyKeyPublishesOnce() {
        Cli.Result first = Cli.run("publish", "cli-multi", "idem", "hello", "--idempotency-key", "k-1", "--url", url, "--token", key);
        Cli.Result repeat = Cli.run("publish", "cli-multi", "idem", "hello", "--idempotency-key", "k-1", "--url", url, "--token", key);
        Cli.Result changed = Cli.run("publish", "cli-multi", "idem", "other", "--idempotency-key", "k-1", "--url", url, "--token", key);

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out().strip()).matches("\\d+:1");
        assertThat(repeat.out().strip()).isEqualTo(first.out().strip());
        assertThat(changed.exitCode()).isEqualTo(1);
        assertThat(changed.err()).contains("409");
        assertThat(TernHttp.items(http.longPoll("cli-multi", "idem", key, 1, 0))).hasSize(1);
    }

    @Test
    void publishBatchSendsAJsonArrayOrNdjsonFileAndPrintsEachResult() throws Exception {
        Path array = Files.createTempFile("batch", ".json");
        Files.writeString(array, "[{\"topic\":\"batch-a\",\"text\":\"one\"},{\"topic\":\"bad name\",\"text\":\"x\"}]");
        Path lines = Files.createTempFile("batch", ".ndjson");
        Files.writeString(lines, "{\"topic\":\"batch-a\",\"text\":\"two\"}\n{\"topic\":\"batch-b\",\"binary\":\"AAE=\"}\n");

        Cli.Result fromArray = Cli.run("publish", "cli-multi", "--batch", array.toString(), "--url", url, "--token", key);
        Cli.Result fromLines = Cli.run("publish", "cli-multi", "--batch", lines.toString(), "--url", url, "--token", key);
        Cli.Result mixedUp = Cli.run("publish", "cli-multi", "t", "m", "--batch", lines.toString(), "--url", url, "--token", key);

        assertThat(fromArray.exitCode()).as(fromArray.err()).isZero();
        JsonNode arrayResults = TernHttp.json(fromArray.out()).get("results");
        assertThat(arrayResults.get(0).get("topic_sequence_number").asLong()).isEqualTo(1);
        assertThat(arrayResults.get(1).get("error").get("status").asInt()).isEqualTo(400);
        JsonNode lineResults = TernHttp.json(fromLines.out()).get("results");
        assertThat(lineResults.get(0).get("topic_sequence_number").asLong()).isEqualTo(2);
        assertThat(lineResults.get(1).get("topic").asText()).isEqualTo("batch-b");
        assertThat(mixedUp.exitCode()).isEqualTo(1);
    }

    @Test
    void subscribeFollowsSeveralTopicsAndAPrefixOnOneStream() throws Exception {
        CompletableFuture<Cli.Result> subscriber = CompletableFuture.supplyAsync(() -> Cli.run("subscribe", "cli-multi",
                "news", "alerts", "--prefix", "room-", "--count", "3", "--url", url, "--token", key));
        http.awaitSubscribers(2);
        http.publishText("cli-multi", "news", key, "n1");
        http.publishText("cli-multi", "elsewhere", key, "not followed");
        http.publishText("cli-multi", "room-7", key, "r1");
        http.publishText("cli-multi", "alerts", key, "a1");

        Cli.Result result = subscriber.get(20, TimeUnit.SECONDS);
        assertThat(result.exitCode()).as(result.err()).isZero();
        // Only the message lines (a busy machine may add a log line of the in-process server to the output).
        assertThat(result.out().lines().filter(line -> line.matches("\\S+ \\d+:\\d+ .*"))
                .map(line -> line.replaceAll(" \\d+:", " :")))
                .containsExactlyInAnyOrder("news :1 n1", "room-7 :1 r1", "alerts :1 a1"); // order holds per topic only
    }

    @Test
    void subscribeNeedsATopicOrAPrefix() {
        Cli.Result result = Cli.run("subscribe", "cli-multi", "--url", url, "--token", key);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("TOPIC or --prefix");
    }
}
