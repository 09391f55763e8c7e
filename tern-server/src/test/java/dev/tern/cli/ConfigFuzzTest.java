package dev.tern.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import picocli.CommandLine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes configuration values: durations, byte sizes, and any flag of {@code tern serve} with any value (as a flag,
 * an environment variable or a config-file line would give it). A bad value must be a usage error (picocli's
 * ParameterException or an IllegalArgumentException, both printed as one line), never anything else.
 * Seeds: {@code src/test/resources/dev/tern/cli/ConfigFuzzTestInputs/<method>/}: the first line names the flag.
 */
class ConfigFuzzTest {
    private static final String[] FLAGS = {
            "--port", "--history-messages", "--history-bytes", "--topic-idle-timeout", "--long-poll-timeout",
            "--default-max-publish-rate", "--default-max-subscription-count", "--default-max-message-size-kb",
            "--default-max-topic-count", "--max-topics", "--max-history-memory", "--max-connections",
            "--max-streams-per-connection", "--cors-allowed-origins", "--sse-heartbeat-interval", "--sse-retry",
            "--websocket-ping-interval", "--grpc-heartbeat-interval", "--engine", "--redis-url", "--redis-timeout",
            "--event-loops", "--transport", "--access-log", "--public-endpoint", "--tls-port"};

    @FuzzTest(maxDuration = "10s")
    void durations(byte[] input) {
        String value = new String(input, StandardCharsets.UTF_8);
        try {
            Duration duration = new DurationConverter().convert(value);
            assertThat(duration.isNegative()).isFalse();
        } catch (CommandLine.TypeConversionException expected) {
            // a usage error
        }
        try {
            assertThat(new ByteSizeConverter().convert(value)).isNotNegative();
        } catch (CommandLine.TypeConversionException expected) {
            // a usage error
        }
    }

    @FuzzTest(maxDuration = "10s")
    void serveFlags(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String named = newline < 0 ? "" : text.substring(0, newline);
        String flag = java.util.Arrays.asList(FLAGS).contains(named) ? named : FLAGS[Math.floorMod(named.hashCode(), FLAGS.length)];
        String value = newline < 0 ? text : text.substring(newline + 1);
        ServeCommand serve = new ServeCommand();
        try {
            new CommandLine(serve).parseArgs(flag, value);
            serve.toConfig();
        } catch (CommandLine.ParameterException | IllegalArgumentException expected) {
            // printed as "tern serve: <message>" with exit code 2
        }
    }
}
