package dev.tern.cli;

import dev.tern.config.SettingSources;
import dev.tern.config.TernConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where {@code tern serve} settings come from: flag, then TERN_* environment, then config file, then default. */
class ServeSettingsTest {

    private static TernConfig config(Map<String, String> environment, Path configFile, String... flags) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).setDefaultValueProvider(new SettingSources(environment, configFile)).parseArgs(flags);
        return serve.toConfig();
    }

    @Test
    void defaults() {
        TernConfig config = config(Map.of(), null);
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.publicEndpoint()).as("derived from the port bound, see TokenApiTest").isNull();
        assertThat(config.longPollTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.defaultTopicLimits().maxPublishMessageSizeKb()).isEqualTo(4);
        assertThat(config.eventLoops()).as("one per core").isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(config(Map.of("TERN_EVENT_LOOPS", "3"), null).eventLoops()).isEqualTo(3);
        assertThat(config.transport()).isEqualTo(TernConfig.Transport.AUTO);
        assertThat(config(Map.of("TERN_TRANSPORT", "epoll"), null).transport()).isEqualTo(TernConfig.Transport.EPOLL);
        assertThat(config(Map.of(), null, "--transport", "io-uring").transport()).isEqualTo(TernConfig.Transport.IO_URING);
    }

    @Test
    void flagBeatsEnvironmentBeatsConfigFileBeatsDefault(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tern.properties");
        Files.writeString(file, "port = 9100\nlong-poll-timeout = 5s\nhistory-messages = 77\ndata-dir = /from/file\n");
        Map<String, String> environment = Map.of("TERN_PORT", "9200", "TERN_LONG_POLL_TIMEOUT", "750ms");

        TernConfig config = config(environment, file, "--port", "9300");

        assertThat(config.port()).isEqualTo(9300);
        assertThat(config.longPollTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(config.historyMessages()).isEqualTo(77);
        assertThat(config.dataDir()).isEqualTo(Path.of("/from/file"));
        assertThat(config.topicIdleTimeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void theConfigFileIsFoundFromTheFlagOrTheEnvironment() {
        assertThat(SettingSources.configFile(new String[]{"serve", "--config", "a.properties"}, Map.of()))
                .isEqualTo(Path.of("a.properties"));
        assertThat(SettingSources.configFile(new String[]{"serve", "--config=b.properties"}, Map.of()))
                .isEqualTo(Path.of("b.properties"));
        assertThat(SettingSources.configFile(new String[]{"serve"}, Map.of("TERN_CONFIG", "c.properties")))
                .isEqualTo(Path.of("c.properties"));
        assertThat(SettingSources.configFile(new String[]{"serve"}, Map.of())).isNull();
    }

    @Test
    void impossibleValuesAreRefusedWithAMessage() {
        assertThatThrownBy(() -> config(Map.of(), null, "--port", "70000")).hasMessageContaining("--port");
        assertThatThrownBy(() -> config(Map.of(), null, "--long-poll-timeout", "0s")).hasMessageContaining("positive");
        assertThatThrownBy(() -> config(Map.of(), null, "--default-max-message-size-kb", "0"))
                .hasMessageContaining("max_publish_message_size_kb");
        assertThatThrownBy(() -> config(Map.of(), null, "--history-messages", "0")).hasMessageContaining("--history-messages");
        assertThatThrownBy(() -> config(Map.of(), null, "--event-loops", "-1")).hasMessageContaining("--event-loops");
        assertThatThrownBy(() -> config(Map.of(), null, "--transport", "kqueue")).hasMessageContaining("--transport");
        assertThatThrownBy(() -> config(Map.of(), null, "--long-poll-timeout", "soon"))
                .isInstanceOf(CommandLine.ParameterException.class);
    }

    @Test
    void serveWithAnImpossibleValueExitsWithStatus2BeforeStarting() {
        Cli.Result result = Cli.run("serve", "--port", "70000");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--port");
    }
}
