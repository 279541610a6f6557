package org.openbwc.gateway.identity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x509.GeneralName;
import org.openbwc.config.GatewayConfig;
import org.openbwc.pki.AgencyCa;
import org.openbwc.pki.Identity;
import org.openbwc.pki.IdentityRole;
import org.openbwc.pki.IssuedKey;
import org.openbwc.pki.Pem;
import org.openbwc.pki.TlsContexts;
import org.tinylog.Logger;

/**
 * The gateway's view of the agency PKI in {@code <dataDir>/pki/}: the CA ({@code ca.crt}, {@code ca.key}), the
 * server certificate it presents on MQTT, HTTPS and the units' listener ({@code server.crt} with the CA after it,
 * {@code server.key}), and its own MQTT client identity ({@code gateway.crt}, {@code gateway.key}, OU=gateway). The
 * two issued identities are (re)issued at start when missing, expiring within a third of their life, or (for the
 * server) not covering {@code pki.serverHosts}; files an agency put there itself are used as they are while valid.
 */
public final class GatewayPki {
    public static final String SERVER_CERTIFICATE = "server.crt";
    public static final String SERVER_KEY = "server.key";
    public static final String GATEWAY_CERTIFICATE = "gateway.crt";
    public static final String GATEWAY_KEY = "gateway.key";
    public static final String REVOCATION_LIST = "crl.pem";

    private final Path folder;
    private final AgencyCa ca;
    private final String gatewayId;

    private GatewayPki(Path folder, AgencyCa ca, String gatewayId) {
        this.folder = folder;
        this.ca = ca;
        this.gatewayId = gatewayId;
    }

    /**
     * Opens the PKI and makes sure the gateway's own certificates are there and current.
     *
     * @param createCa make the CA when there is none (the demo); a real gateway is refused and told to run
     *     {@code bwc pki init}, so an agency never ends up with a CA it did not mean to make
     */
    public static GatewayPki open(GatewayConfig config, Clock clock, boolean createCa) {
        Path folder = config.pkiDir();
        AgencyCa ca;
        if (!AgencyCa.exists(folder)) {
            if (!createCa) {
                throw new IllegalStateException("the gateway has no agency CA in " + folder.toAbsolutePath()
                        + ": make one with `bwc pki init --config <gateway.yaml>` (or import the agency's CA with `bwc pki"
                        + " import`)");
            }
            ca = AgencyCa.create(folder, config.pki().agencyName(), clock);
            Logger.info("Made a new agency CA in {} (fingerprint {})", folder.toAbsolutePath(), ca.fingerprint());
        } else {
            ca = AgencyCa.open(folder, clock);
        }
        GatewayPki pki = new GatewayPki(folder, ca, config.gatewayId());
        Duration serverLife = Duration.ofDays(config.pki().serverCertificateDays());
        List<String> hosts = config.pki().serverHostList();
        if (needsIssue(pki.serverCertificateFile(), clock, hosts)) {
            IssuedKey server = ca.issueServer(hosts, serverLife);
            Pem.writePrivateKey(pki.serverKeyFile(), server.key());
            Pem.writeCertificates(pki.serverCertificateFile(), server.certificate(), ca.certificate());
            Logger.info("Issued the gateway's server certificate for {} from the agency CA", hosts);
        }
        if (needsIssue(pki.gatewayCertificateFile(), clock, List.of())
                || !names(pki.gatewayCertificateFile(), new Identity(config.gatewayId(), IdentityRole.GATEWAY))) {
            IssuedKey client = ca.issueClient(config.gatewayId(), IdentityRole.GATEWAY, serverLife);
            Pem.writePrivateKey(pki.gatewayKeyFile(), client.key());
            Pem.writeCertificates(pki.gatewayCertificateFile(), client.certificate(), ca.certificate());
            Logger.info("Issued the gateway's MQTT client certificate (CN={}) from the agency CA", config.gatewayId());
        }
        return pki;
    }

    public AgencyCa ca() {
        return ca;
    }

    public String gatewayId() {
        return gatewayId;
    }

    public Path folder() {
        return folder;
    }

    public Path caFile() {
        return folder.resolve(AgencyCa.CERTIFICATE_FILE);
    }

    public Path serverCertificateFile() {
        return folder.resolve(SERVER_CERTIFICATE);
    }

    public Path serverKeyFile() {
        return folder.resolve(SERVER_KEY);
    }

    public Path gatewayCertificateFile() {
        return folder.resolve(GATEWAY_CERTIFICATE);
    }

    public Path gatewayKeyFile() {
        return folder.resolve(GATEWAY_KEY);
    }

    public Path revocationListFile() {
        return folder.resolve(REVOCATION_LIST);
    }

    /** Presents the server certificate and checks client certificates against the agency CA. */
    public SSLContext serverContext() {
        return TlsContexts.mutual(serverKeyFile(), serverCertificateFile(), caFile());
    }

    /** The gateway's own MQTT identity, trusting only the agency CA. */
    public SSLContext gatewayClientContext() {
        return TlsContexts.mutual(gatewayKeyFile(), gatewayCertificateFile(), caFile());
    }

    private static boolean needsIssue(Path certificateFile, Clock clock, List<String> hosts) {
        if (!Files.exists(certificateFile)) return true;
        X509Certificate cert;
        try {
            cert = Pem.readCertificate(certificateFile);
        } catch (RuntimeException e) {
            Logger.warn("{} cannot be read ({}); issuing a new one", certificateFile, e.getMessage());
            return true;
        }
        Instant now = clock.instant();
        Instant from = cert.getNotBefore().toInstant();
        Instant to = cert.getNotAfter().toInstant();
        if (now.isAfter(to.minus(Duration.between(from, to).dividedBy(3)))) return true;
        return !hosts.isEmpty() && !covers(cert, hosts);
    }

    /** Whether the certificate in {@code file} is of {@code identity} (a gateway whose id changed needs a new one). */
    private static boolean names(Path file, Identity identity) {
        try {
            return Identity.of(Pem.readCertificate(file)).map(identity::equals).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean covers(X509Certificate cert, List<String> hosts) {
        Set<String> names = new HashSet<>();
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> entry : cert.getSubjectAlternativeNames()) {
                    int type = (Integer) entry.get(0);
                    if (type == GeneralName.dNSName || type == GeneralName.iPAddress) names.add((String) entry.get(1));
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            return false;
        }
        return names.containsAll(hosts);
    }
}
