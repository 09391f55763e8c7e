package dev.tern.pubsub;

import dev.tern.auth.Authorizer;
import dev.tern.auth.Principal;
import dev.tern.auth.FileRevocationStore;
import dev.tern.auth.FileSigningKeyStore;
import dev.tern.auth.RevocationList;
import dev.tern.auth.SigningKey;
import dev.tern.auth.SigningKeys;
import dev.tern.auth.TokenCodec;
import dev.tern.auth.TokenVerifier;
import dev.tern.cache.CacheRegistry;
import dev.tern.cache.TopicLimits;
import dev.tern.error.ErrorKind;
import dev.tern.error.TernException;
import dev.tern.limit.PublishRateLimiter;
import dev.tern.limit.SubscriptionCounter;
import dev.tern.limit.TopicCounter;
import dev.tern.metrics.TernMetrics;
import dev.tern.storage.DataDirectory;
import dev.tern.topic.InMemoryTopicEngine;
import dev.tern.topic.PublishReceipt;
import dev.tern.topic.TopicKey;
import dev.tern.topic.TopicSettings;
import dev.tern.topic.TopicValue;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Publishes racing the deletion of their cache, on the real gateway, registry and in-memory engine: once a deletion
 * is done and its racing publishes have answered, no topic of the deleted cache is left, so a cache created again
 * starts afresh at sequence 1 on a new page.
 */
class PublishDeleteRaceTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close();
    }

    @Test
    void aPublishRacingADeleteLeavesNoTopicBehind(@TempDir Path dir) throws Exception {
        DataDirectory data = new DataDirectory(dir);
        CacheRegistry caches = new CacheRegistry(data);
        InMemoryTopicEngine engine = new InMemoryTopicEngine(vertx, new TopicSettings(100, 1 << 20, Duration.ofMinutes(10)));
        Clock clock = Clock.systemUTC();
        TokenCodec codec = new TokenCodec(new SigningKeys(SigningKey.loadOrCreate(data), new FileSigningKeyStore(data), clock));
        RevocationList revocations = new RevocationList(new FileRevocationStore(data), clock);
        TokenVerifier verifier = new TokenVerifier(codec, clock, revocations);
        TopicGateway gateway = new TopicGateway(verifier, new Authorizer(), caches, new PublishRateLimiter(),
                new SubscriptionCounter(), new TopicCounter(engine, 0, Duration.ofMinutes(10)), engine, new TernMetrics(engine.stats()), new CredentialWatch(verifier, revocations));
        Principal superUser = new Principal("test", true, List.of(), null, 0, 0, true);
        TopicKey topic = new TopicKey("raced", "t");
        TopicLimits limits = new TopicLimits(0, 0, 4);

        for (int round = 0; round < 300; round++) {
            caches.create("raced", limits);
            AtomicBoolean stop = new AtomicBoolean();
            Thread publisher = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        gateway.publish(superUser, topic, TopicValue.text("x"));
                    } catch (TernException e) {
                        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    }
                }
            });
            publisher.start();
            Thread.onSpinWait();
            caches.delete("raced");
            stop.set(true);
            publisher.join();

            assertThat(engine.stats().topics()).as("topics left after deleting the cache in round " + round).isZero();
            caches.create("raced", limits);
            PublishReceipt first = gateway.publish(superUser, topic, TopicValue.text("fresh")).result();
            assertThat(first.sequenceNumber()).as("first publish after re-creating, round " + round).isEqualTo(1);
            caches.delete("raced");
        }
    }
}
