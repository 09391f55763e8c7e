package dev.tern.grpc;

import dev.tern.testing.RunningTern;
import momento.sdk.CacheClient;
import momento.sdk.config.Configurations;
import momento.sdk.responses.cache.control.CacheCreateResponse;
import momento.sdk.responses.cache.control.CacheInfo;
import momento.sdk.responses.cache.control.CacheListResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --tls-cert}/{@code --tls-key} without {@code --tls-port}: the main port speaks TLS, HTTP/2 by ALPN. */
class TlsMainPortTest {
    private static RunningTern tern;

    @BeforeAll
    static void start() {
        tern = RunningTern.start("--tls-cert", TrustedDevCertificate.certificate().toString(),
                "--tls-key", TrustedDevCertificate.key().toString());
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    @Test
    void httpsNegotiatesHttp2() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + tern.port() + "/livez")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }

    @Test
    void momentoCacheClientWorksOverTls() {
        TernCredentials credentials = new TernCredentials(tern.superUserKey(), "127.0.0.1", tern.port(), true);
        try (CacheClient client = CacheClient.create(credentials, Configurations.Laptop.latest(), Duration.ofMinutes(1))) {
            assertThat(client.createCache("over-tls").join()).isInstanceOf(CacheCreateResponse.Success.class);
            CacheListResponse listed = client.listCaches().join();
            assertThat(((CacheListResponse.Success) listed).getCaches()).extracting(CacheInfo::name).contains("over-tls");
        }
    }
}
