package dev.tern.grpc;

import dev.tern.tls.SelfSignedCertificate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;

/**
 * One self-signed certificate for 127.0.0.1 and localhost per test JVM, made the default TLS trust of this JVM (which
 * the Momento SDK's gRPC channels and the JDK HttpClient use), so tests can talk TLS to Tern unmodified.
 */
final class TrustedDevCertificate {
    private static Path certificate;
    private static Path key;

    private TrustedDevCertificate() {
    }

    static synchronized Path certificate() {
        create();
        return certificate;
    }

    static synchronized Path key() {
        create();
        return key;
    }

    private static void create() {
        if (certificate != null) {
            return;
        }
        try {
            Path dir = Files.createTempDirectory("tern-dev-cert");
            Path cert = dir.resolve("cert.pem");
            Path privateKey = dir.resolve("key.pem");
            SelfSignedCertificate.create(List.of("localhost", "127.0.0.1"), Duration.ofDays(1)).write(cert, privateKey);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("tern", CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(cert))));
            Path trustStore = dir.resolve("truststore.p12");
            try (OutputStream out = Files.newOutputStream(trustStore)) {
                store.store(out, "changeit".toCharArray());
            }
            System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
            System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
            System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
            // The JVM's default SSLContext may already exist (an HttpClient built by an earlier test class), and then
            // ignores the properties above: replace it with one that trusts the certificate.
            javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            javax.net.ssl.SSLContext.setDefault(context);
            certificate = cert;
            key = privateKey;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
