package dev.tern.redis;

import dev.tern.config.TernConfig;
import dev.tern.testing.RunningTern;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Redis flags: defaults, validation with clear messages, and a clear failure when Redis cannot be reached. */
class RedisSettingsTest {

    @Test
    void theInMemoryEngineIsTheDefault() {
        TernConfig config = RunningTern.config();
        assertThat(config.engine()).isEqualTo(TernConfig.Engine.MEMORY);
        assertThat(config.redisUrl()).isNull();
        assertThat(config.redisTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theRedisEngineTakesAUrlOrASeedList() {
        TernConfig single = RunningTern.config("--engine", "redis", "--redis-url", "rediss://:secret@cache.internal:6380/2");
        assertThat(single.engine()).isEqualTo(TernConfig.Engine.REDIS);
        assertThat(single.redisUrl()).isEqualTo("rediss://:secret@cache.internal:6380/2");
        TernConfig cluster = RunningTern.config("--engine", "REDIS", "--redis-url", "redis://a:7000, redis://b:7000",
                "--redis-timeout", "500ms");
        assertThat(cluster.redisTimeout()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void impossibleSettingsAreRefusedWithAMessage() {
        assertThatThrownBy(() -> RunningTern.config("--engine", "redis"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--redis-url");
        assertThatThrownBy(() -> RunningTern.config("--engine", "disk"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("memory or redis");
        assertThatThrownBy(() -> RunningTern.config("--engine", "redis", "--redis-url", "localhost:6379"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis://");
        assertThatThrownBy(() -> RunningTern.config("--engine", "redis", "--redis-url", "redis://x:1", "--redis-timeout", "0s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--redis-timeout");
    }

    @Test
    void aSentinelUrlNamesTheSentinelsThePrimaryAndOptionallyCredentialsAndADatabase() {
        TernConfig config = RunningTern.config("--engine", "redis", "--redis-url",
                "redis+sentinel://:pw@s1:26379,s2/mymaster/3", "--redis-min-replicas", "1");
        assertThat(config.redisMinReplicas()).isEqualTo(1);
        SentinelUrl url = SentinelUrl.parse(config.redisUrl());
        assertThat(url.sentinels()).containsExactly("s1:26379", "s2:26379");
        assertThat(url.masterName()).isEqualTo("mymaster");
        assertThat(url.primaryEndpoint("10.0.0.9", 6380)).isEqualTo("redis://:pw@10.0.0.9:6380/3");
        assertThat(url.describe()).doesNotContain("pw");
        assertThat(SentinelUrl.parse("rediss+sentinel://s1/m").primaryEndpoint("h", 1)).isEqualTo("rediss://h:1");
        assertThat(url.sentinelEndpoint("s1:26379")).isEqualTo("redis://s1:26379");
        SentinelUrl guarded = SentinelUrl.parse("redis+sentinel://:pw@s1:26379/mymaster/2?sentinel_password=s%40cret");
        assertThat(guarded.sentinelEndpoint("s1:26379")).isEqualTo("redis://:s%40cret@s1:26379");
        assertThat(guarded.primaryEndpoint("h", 1)).isEqualTo("redis://:pw@h:1/2");
        assertThat(guarded.describe()).doesNotContain("cret");
        assertThat(SentinelUrl.parse("redis+sentinel://s1/m?sentinel_user=tern&sentinel_password=x").sentinelEndpoint("s1:1"))
                .isEqualTo("redis://tern:x@s1:1");
        assertThatThrownBy(() -> RunningTern.config("--engine", "redis", "--redis-url", "redis+sentinel://s1/m?password=x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sentinel_password");
        assertThatThrownBy(() -> RunningTern.config("--engine", "redis", "--redis-url", "redis+sentinel://s1/m?sentinel_user=u"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-empty sentinel_password");
        assertThat(RunningTern.config().redisMinReplicas()).isZero();
        assertThatThrownBy(() -> RunningTern.config("--engine", "redis", "--redis-url", "redis+sentinel://s1:26379"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names the primary");
        assertThatThrownBy(() -> RunningTern.config("--engine", "redis", "--redis-url", "redis+sentinel://s1:x/m"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad port");
        assertThatThrownBy(() -> RunningTern.config("--engine", "redis", "--redis-url", "redis://x:1",
                "--redis-min-replicas", "-1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--redis-min-replicas");
    }

    @Test
    void aNodeWhoseRedisCannotBeReachedDoesNotStartAndSaysWhy() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertThatThrownBy(() -> RunningTern.start("--engine", "redis", "--redis-url",
                "redis://:hunter2@127.0.0.1:" + closedPort, "--redis-timeout", "200ms"))
                .hasRootCauseInstanceOf(IllegalStateException.class)
                .rootCause().hasMessageContaining("cannot reach Redis at redis://***@127.0.0.1:" + closedPort)
                .hasMessageNotContaining("hunter2");
    }
}
