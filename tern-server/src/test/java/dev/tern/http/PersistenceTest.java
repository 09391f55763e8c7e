package dev.tern.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What a restart keeps: caches with their limits, the super-user key and minted tokens; and how it is stored. */
class PersistenceTest {

    @Test
    void cachesLimitsKeysAndTokensSurviveARestart() {
        try (RunningTern tern = RunningTern.start("--long-poll-timeout", "500ms")) {
            TernHttp http = new TernHttp(tern);
            String key = tern.superUserKey();
            tern.createCache("kept", "{\"max_publish_rate\": 9, \"max_subscription_count\": 4, \"max_publish_message_size_kb\": 1}");
            tern.createCache("removed");
            assertThat(tern.send("DELETE", "/caches/removed", null, null).statusCode()).isEqualTo(204);
            String token = tern.mintToken("""
                    {"expires_in_seconds": 600, "token_id": "survivor",
                     "permissions": [{"role": "publishsubscribe", "cache": "kept", "topic": "*"}]}""");

            tern.restart();

            assertThat(tern.superUserKey()).isEqualTo(key);
            JsonNode caches = TernHttp.json(tern.send("GET", "/caches", null, null).body()).get("caches");
            assertThat(caches).hasSize(1);
            JsonNode kept = caches.get(0);
            assertThat(kept.get("name").asText()).isEqualTo("kept");
            assertThat(kept.get("topic_limits").get("max_publish_rate").asInt()).isEqualTo(9);
            assertThat(kept.get("topic_limits").get("max_subscription_count").asInt()).isEqualTo(4);
            assertThat(kept.get("topic_limits").get("max_publish_message_size_kb").asInt()).isEqualTo(1);

            assertThat(http.publishText("kept", "t", token, "after restart").statusCode()).isEqualTo(204);
            assertThat(http.publish("kept", "t", token, null, new byte[1025]).statusCode())
                    .as("the size limit still applies").isEqualTo(413);
            List<JsonNode> items = TernHttp.items(http.longPoll("kept", "t", token, 1, 0));
            assertThat(items.get(0).get("item").get("publisher_id").asText()).isEqualTo("survivor");
            assertThat(http.publishText("removed", "t", key, "x").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aTopicReturningAfterARestartStartsAGreaterPage() {
        try (RunningTern tern = RunningTern.start("--long-poll-timeout", "500ms")) {
            TernHttp http = new TernHttp(tern);
            String key = tern.superUserKey();
            tern.createCache("paged");
            http.publishText("paged", "t", key, "before");
            long before = TernHttp.items(http.longPoll("paged", "t", key, 1, 0)).get(0).get("item").get("sequence_page").asLong();

            tern.restart();

            http.publishText("paged", "t", key, "after");
            List<JsonNode> items = TernHttp.items(http.longPoll("paged", "t", key, 1, before));
            assertThat(items.get(0).get("discontinuity")).as("the old page is unknown now").isNotNull();
            JsonNode item = items.get(1).get("item");
            assertThat(item.get("topic_sequence_number").asLong()).isEqualTo(1);
            assertThat(item.get("sequence_page").asLong()).isGreaterThan(before);
        }
    }

    @Test
    void cachesFileIsNeverLeftTornAndSecretsAreOwnerOnly() throws Exception {
        try (RunningTern tern = RunningTern.start()) {
            // Many concurrent changes, each one a rewrite of caches.json.
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String name = "c" + i;
                statuses.add(pool.submit(() -> tern.send("PUT", "/caches/" + name, null, null).statusCode()));
            }
            for (int i = 0; i < 16; i += 2) {
                String name = "c" + i;
                statuses.add(pool.submit(() -> tern.send("DELETE", "/caches/" + name, null, null).statusCode()));
            }
            for (Future<Integer> status : statuses) {
                assertThat(status.get()).isIn(201, 204, 404);
            }
            pool.shutdown();

            Path dataDir = tern.dataDir();
            try (Stream<Path> files = Files.list(dataDir)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
            }
            JsonNode stored = TernHttp.JSON.readTree(Files.readAllBytes(dataDir.resolve("caches.json")));
            List<String> storedNames = new ArrayList<>();
            stored.get("caches").forEach(c -> storedNames.add(c.get("name").asText()));
            List<String> listedNames = new ArrayList<>();
            TernHttp.json(tern.send("GET", "/caches", null, null).body()).get("caches")
                    .forEach(c -> listedNames.add(c.get("name").asText()));
            assertThat(storedNames).containsExactlyInAnyOrderElementsOf(listedNames);

            for (String secret : List.of("signing-secret", "superuser-api-key", "caches.json")) {
                assertThat(ownerOnly(dataDir.resolve(secret))).as(secret).isTrue();
            }
        }
    }

    @Test
    void aStrayTempFileFromACrashDoesNotStopTheServer() throws IOException {
        Path dataDir = Files.createTempDirectory("tern-crash");
        try (RunningTern first = RunningTern.startOn(dataDir)) {
            first.createCache("survives");
        }
        // A crash between writing the temporary file and renaming it leaves the old file and a partial .tmp.
        Files.writeString(dataDir.resolve("caches.json.tmp"), "{\"caches\": [{\"na");
        try (RunningTern second = RunningTern.startOn(dataDir)) {
            assertThat(second.send("GET", "/caches", null, null).body()).contains("survives");
            second.createCache("more");
            assertThat(Files.exists(dataDir.resolve("caches.json.tmp"))).isFalse();
        } finally {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void theSuperUserKeyIsAV1TokenNamingThePublicEndpoint() throws IOException {
        try (RunningTern tern = RunningTern.start("--public-endpoint", "pubsub.example.org")) {
            String stored = Files.readString(tern.dataDir().resolve("superuser-api-key")).trim();
            assertThat(stored).isEqualTo(tern.superUserKey());
            JsonNode v1 = TernHttp.json(new String(java.util.Base64.getDecoder().decode(stored)));
            assertThat(v1.get("endpoint").asText()).isEqualTo("pubsub.example.org");
            assertThat(new TernHttp(tern).send(new TernHttp(tern).request("/caches").header("Authorization", stored)
                    .method("GET", HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(200);
        }
    }

    private static boolean ownerOnly(Path file) throws IOException {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return true;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        return permissions.stream().allMatch(p -> p.name().startsWith("OWNER_"));
    }
}
