package dev.tern.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * A self-signed development certificate (EC P-256) for the given host names and IP addresses, written as PEM:
 * the certificate, which clients are told to trust, and its PKCS#8 private key.
 */
public final class SelfSignedCertificate {
    private final String certificatePem;
    private final String privateKeyPem;

    private SelfSignedCertificate(String certificatePem, String privateKeyPem) {
        this.certificatePem = certificatePem;
        this.privateKeyPem = privateKeyPem;
    }

    public static SelfSignedCertificate create(List<String> names, Duration validity) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("at least one host name or address is needed");
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256, new SecureRandom());
            KeyPair keys = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=" + names.get(0));
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(validity)), subject, keys.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames(names));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509CertificateHolder certificate = builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
            return new SelfSignedCertificate(
                    pem(new PemObject("CERTIFICATE", certificate.getEncoded())),
                    pem(new PemObject("PRIVATE KEY", keys.getPrivate().getEncoded())));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot create a certificate: " + e.getMessage(), e);
        }
    }

    /** Names that parse as IP addresses become IP entries (Java and gRPC clients check those), the rest DNS names. */
    private static GeneralNames alternativeNames(List<String> names) {
        List<GeneralName> entries = new ArrayList<>();
        for (String name : names) {
            entries.add(isAddress(name) ? new GeneralName(GeneralName.iPAddress, name) : new GeneralName(GeneralName.dNSName, name));
        }
        return new GeneralNames(entries.toArray(GeneralName[]::new));
    }

    private static boolean isAddress(String name) {
        if (!name.matches("[0-9.]+") && !name.contains(":")) {
            return false;
        }
        try {
            InetAddress.getByName(name); // a literal address: no lookup happens
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String pem(PemObject object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    public String certificatePem() {
        return certificatePem;
    }

    public String privateKeyPem() {
        return privateKeyPem;
    }

    /** Writes both files; the key is readable by its owner only where the file system allows. */
    public void write(Path certificateFile, Path keyFile) {
        try {
            Files.writeString(certificateFile, certificatePem, StandardCharsets.US_ASCII);
            Files.writeString(keyFile, privateKeyPem, StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // best effort off POSIX file systems
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
