package dev.tern.cli;

import dev.tern.tls.SelfSignedCertificate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tern cert}: writes a self-signed development certificate and key for {@code --tls-cert}/{@code --tls-key}. */
@Command(name = "cert", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Create a self-signed TLS certificate and key (PEM) for development, e.g. for localhost.")
public final class CertCommand implements Callable<Integer> {

    @Option(names = "--name", split = ",", paramLabel = "HOST",
            defaultValue = "localhost,127.0.0.1,::1",
            description = "Host names and IP addresses the certificate is valid for (default: ${DEFAULT-VALUE}).")
    List<String> names;

    @Option(names = "--cert-out", defaultValue = "tern-cert.pem", description = "Certificate file (default: ${DEFAULT-VALUE}).")
    Path certificateFile;

    @Option(names = "--key-out", defaultValue = "tern-key.pem", description = "Private key file (default: ${DEFAULT-VALUE}).")
    Path keyFile;

    @Option(names = "--days", defaultValue = "365", description = "Days of validity (default: ${DEFAULT-VALUE}).")
    int days;

    @Override
    public Integer call() {
        if (days < 1) {
            System.err.println("tern cert: --days must be at least 1");
            return 2;
        }
        SelfSignedCertificate.create(names, Duration.ofDays(days)).write(certificateFile, keyFile);
        System.out.println("Wrote " + certificateFile + " and " + keyFile + " for " + String.join(", ", names) + ".");
        System.out.println("Serve with: ./tern serve --tls-cert " + certificateFile + " --tls-key " + keyFile);
        System.out.println("Clients must trust " + certificateFile + " (e.g. NODE_EXTRA_CA_CERTS, or a Java trust store).");
        return 0;
    }
}
