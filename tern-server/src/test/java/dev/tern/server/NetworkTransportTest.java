package dev.tern.server;

import dev.tern.testing.RunningTern;
import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** --transport: which network transport serves connections, and that each one available here serves them. */
class NetworkTransportTest {

    private static Transport fake(String name, boolean available) {
        return new Transport() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean available() {
                return available;
            }

            @Override
            public Throwable unavailabilityCause() {
                return available ? null : new UnsupportedOperationException(name + " refused by the kernel");
            }

            @Override
            public io.vertx.core.spi.transport.Transport implementation() {
                return null;
            }
        };
    }

    @Test
    void theFirstAvailableCandidateIsTakenAndMissingOnesAreSkipped() {
        Transport epoll = fake("epoll", true);
        NetworkTransport.Choice choice = NetworkTransport.firstAvailable("auto", Arrays.asList(null, fake("io_uring", false), epoll));
        assertThat(choice.transport()).isSameAs(epoll);
        assertThat(choice.passedOver()).containsExactly("io_uring: io_uring refused by the kernel");
        assertThat(choice.description()).isEqualTo("epoll (io_uring unavailable: io_uring refused by the kernel)");
    }

    @Test
    void theFirstChoiceHasNothingToExplain() {
        NetworkTransport.Choice choice = NetworkTransport.firstAvailable("auto", List.of(fake("io_uring", true)));
        assertThat(choice.passedOver()).isEmpty();
        assertThat(choice.description()).isEqualTo("io_uring");
    }

    /** A server whose native transports are unavailable (as under a seccomp profile) says so: a WARN and the startup line. */
    @Test
    void autoFallingBackSaysWhyInAWarningAndOnTheStartupLine() throws Exception {
        java.nio.file.Path dataDir = java.nio.file.Files.createTempDirectory("tern-transport");
        Process process = new ProcessBuilder(List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dio.netty.transport.noNative=true",
                "-cp", System.getProperty("java.class.path"), dev.tern.Main.class.getName(), "serve",
                "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir.toString()))
                .redirectErrorStream(true)
                .start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.contains("Tern listening on")) {
                    break;
                }
            }
        } finally {
            process.destroy();
            process.waitFor();
        }
        assertThat(lines).anySatisfy(line -> assertThat(line).contains(" WARN ").contains("Serving with nio")
                .contains("io_uring: ").contains("noNative"));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("Tern listening on")
                .contains("(nio (io_uring unavailable: "));
    }

    @Test
    void aTransportThatIsNotAvailableIsRefusedWithItsReason() {
        assertThatThrownBy(() -> NetworkTransport.firstAvailable("io_uring", List.of(fake("io_uring", false))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--transport io_uring is not available here")
                .hasMessageContaining("refused by the kernel");
    }

    @Test
    void autoPrefersIoUringThenEpoll() {
        try (RunningTern tern = RunningTern.start()) {
            String expected = Transport.IO_URING != null && Transport.IO_URING.available() ? "io_uring"
                    : Transport.EPOLL != null && Transport.EPOLL.available() ? "epoll" : "nio";
            assertThat(tern.server().transport()).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void everyTransportAvailableHereServesPublishesAndEventStreams(String name) throws Exception {
        Transport transport = switch (name) {
            case "io_uring" -> Transport.IO_URING;
            case "epoll" -> Transport.EPOLL;
            default -> Transport.NIO;
        };
        assumeTrue(transport != null && transport.available(), name + " is not available on this machine");
        try (RunningTern tern = RunningTern.start("--transport", name)) {
            assertThat(tern.server().transport()).isEqualTo(name);
            tern.createCache("c");
            HttpResponse<InputStream> stream = tern.http().send(HttpRequest.newBuilder(
                            tern.uri("/topics/c/t?token=" + tern.superUserKey()))
                    .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                lines.readLine(); // the stream's preamble says it is connected before anything is published
                for (int i = 1; i <= 3; i++) {
                    assertThat(tern.send("POST", "/topics/c/t", "text/plain", "m" + i).statusCode()).isEqualTo(204);
                }
                List<String> data = new ArrayList<>();
                for (String line = lines.readLine(); line != null && data.size() < 3; line = lines.readLine()) {
                    if (line.startsWith("data: ")) {
                        data.add(line.substring("data: ".length()));
                    }
                }
                assertThat(data).containsExactly("m1", "m2", "m3");
            }
        }
    }
}
