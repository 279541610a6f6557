package org.openbwc.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.openbwc.pki.AgencyCa;
import org.openbwc.pki.IdentityRole;
import org.openbwc.pki.IssuedKey;
import org.openbwc.pki.Pem;
import org.openbwc.pki.TlsContexts;

/**
 * A test agency CA in a folder, and the certificates of test units and gateways it issues: unit key files as a unit
 * keeps them ({@code <dataDir>/keys/unit.key, unit.crt, ca.crt}), a gateway's CA files to put in its
 * {@code <dataDir>/pki/}, and client TLS contexts for any id and role, or from another CA (an attacker's).
 */
public final class TestIdentities {
    /** Long enough for any test run; the CA's own validity bounds it anyway. */
    private static final Duration VALIDITY = Duration.ofDays(30);

    private final Path folder;
    private final AgencyCa ca;
    private final Map<String, SSLContext> clients = new ConcurrentHashMap<>();

    private TestIdentities(Path folder, AgencyCa ca) {
        this.folder = folder;
        this.ca = ca;
    }

    /** Makes a new CA in {@code folder} (created if missing; it must not hold a CA yet). */
    public static TestIdentities create(Path folder) {
        return new TestIdentities(folder, AgencyCa.create(folder, "test agency", Clock.systemUTC()));
    }

    /** Opens the CA a gateway made in its {@code pki} folder. */
    public static TestIdentities open(Path folder) {
        return new TestIdentities(folder, AgencyCa.open(folder, Clock.systemUTC()));
    }

    public AgencyCa ca() {
        return ca;
    }

    /** The CA certificate, PEM. */
    public Path caFile() {
        return folder.resolve(AgencyCa.CERTIFICATE_FILE);
    }

    /**
     * Copies the CA (certificate and key) into a gateway's {@code <dataDir>/pki}, so the gateway issues its server and
     * client certificates from it and trusts the clients this class makes.
     */
    public void installCa(Path gatewayPkiFolder) {
        try {
            Files.createDirectories(gatewayPkiFolder);
            for (String name : List.of(AgencyCa.CERTIFICATE_FILE, AgencyCa.KEY_FILE)) {
                Files.copy(folder.resolve(name), gatewayPkiFolder.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the test CA into " + gatewayPkiFolder, e);
        }
    }

    /** Writes a unit's key files, as enrolment leaves them, into {@code keysFolder}; returns the folder. */
    public Path writeUnitKeys(String unitId, Path keysFolder) {
        writeUnitKeys(ca, unitId, keysFolder);
        return keysFolder;
    }

    /** Writes {@code unit.key}, {@code unit.crt} and {@code ca.crt} for {@code unitId} issued by {@code ca}. */
    public static void writeUnitKeys(AgencyCa ca, String unitId, Path keysFolder) {
        IssuedKey unit = ca.issueClient(unitId, IdentityRole.UNIT, VALIDITY);
        unit.write(keysFolder.resolve("unit.key"), keysFolder.resolve("unit.crt"));
        Pem.writeCertificates(keysFolder.resolve("ca.crt"), ca.certificate());
    }

    /**
     * Writes a broker's server files into {@code folder}: {@code server.key}, {@code server.crt} (leaf, then the CA)
     * for localhost and 127.0.0.1, and {@code ca.crt}; returns the folder.
     */
    public Path writeServerKeys(Path folder) {
        IssuedKey server = ca.issueServer(List.of("localhost", "127.0.0.1"), VALIDITY);
        Pem.writePrivateKey(folder.resolve("server.key"), server.key());
        Pem.writeCertificates(folder.resolve("server.crt"), server.certificate(), ca.certificate());
        Pem.writeCertificates(folder.resolve("ca.crt"), ca.certificate());
        return folder;
    }

    /** A client context presenting a certificate for {@code id} in {@code role} and trusting only this CA. */
    public SSLContext client(String id, IdentityRole role) {
        return clients.computeIfAbsent(role + "/" + id, k -> context(ca, id, role, ca));
    }

    /** A unit's client context. */
    public SSLContext unit(String id) {
        return client(id, IdentityRole.UNIT);
    }

    /** A gateway's client context. */
    public SSLContext gateway(String id) {
        return client(id, IdentityRole.GATEWAY);
    }

    /** A client context that trusts this CA but presents no certificate at all. */
    public SSLContext anonymous() {
        return TlsContexts.trusting(caFile());
    }

    /**
     * A client context whose certificate (same id and role) comes from another CA, made in {@code scratch}: what a
     * broker must refuse. It trusts this CA, so the refusal is the broker's doing.
     */
    public SSLContext foreign(String id, IdentityRole role, Path scratch) {
        AgencyCa other =
                AgencyCa.create(scratch.resolve("foreign-ca-" + System.nanoTime()), "other agency", Clock.systemUTC());
        return context(other, id, role, ca);
    }

    private static SSLContext context(AgencyCa issuer, String id, IdentityRole role, AgencyCa trusted) {
        try {
            Path dir = Files.createTempDirectory("bwc-identity-");
            try {
                IssuedKey key = issuer.issueClient(id, role, VALIDITY);
                Path keyFile = dir.resolve("client.key");
                Path certFile = dir.resolve("client.crt");
                Path caFile = dir.resolve("ca.crt");
                Pem.writePrivateKey(keyFile, key.key());
                Pem.writeCertificates(certFile, key.certificate(), issuer.certificate());
                Pem.writeCertificates(caFile, trusted.certificate());
                return TlsContexts.mutual(keyFile, certFile, caFile);
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) Files.deleteIfExists(f);
                }
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a test identity for " + id, e);
        }
    }
}
