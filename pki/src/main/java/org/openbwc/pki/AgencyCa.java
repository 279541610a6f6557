package org.openbwc.pki;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The agency's certificate authority: {@code ca.crt} and {@code ca.key} (mode 600) in one folder, made here or
 * imported from the agency's own PKI. It issues the gateway's server certificates and the client certificates of
 * gateways and units; a client certificate's subject is {@code O=<agency>, OU=<role>, CN=<id>} (most general first,
 * as X.500 orders it), all chosen by the CA.
 */
public final class AgencyCa {
    public static final String CERTIFICATE_FILE = "ca.crt";
    public static final String KEY_FILE = "ca.key";

    /** A CA made here lasts long enough to outlive the cameras it certifies. */
    static final Duration CA_VALIDITY = Duration.ofDays(20 * 365);
    /** Certificates are back-dated a little so a unit whose clock lags the gateway's still accepts them. */
    static final Duration BACKDATE = Duration.ofHours(1);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final String agency;
    private final Clock clock;

    private AgencyCa(X509Certificate certificate, PrivateKey key, Clock clock) {
        this.certificate = certificate;
        this.key = key;
        this.clock = clock;
        X500Name subject =
                X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        RDN[] o = subject.getRDNs(BCStyle.O);
        this.agency = o.length > 0 ? IETFUtils.valueToString(o[0].getFirst().getValue()) : "openbwc";
    }

    /** Whether {@code folder} already holds a CA. */
    public static boolean exists(Path folder) {
        return Files.exists(folder.resolve(CERTIFICATE_FILE)) || Files.exists(folder.resolve(KEY_FILE));
    }

    /**
     * Makes a new CA (EC P-256, 20 years) in {@code folder}.
     *
     * @throws IllegalStateException when the folder already holds one: a CA is never silently replaced, since every
     *     certificate it issued would stop working
     */
    public static AgencyCa create(Path folder, String agencyName, Clock clock) {
        Objects.requireNonNull(agencyName, "agencyName is required");
        refuseExisting(folder);
        KeyPair keys = KeyPairs.newTlsKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, agencyName)
                .addRDN(BCStyle.CN, agencyName + " body-worn camera CA")
                .build();
        Instant now = clock.instant();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                            subject,
                            serial(),
                            Date.from(now.minus(BACKDATE)),
                            Date.from(now.plus(CA_VALIDITY)),
                            subject,
                            keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(
                            Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            X509Certificate cert =
                    new JcaX509CertificateConverter().getCertificate(builder.build(KeyPairs.signer(keys.getPrivate())));
            Pem.writePrivateKey(folder.resolve(KEY_FILE), keys.getPrivate());
            Pem.writeCertificates(folder.resolve(CERTIFICATE_FILE), cert);
            return new AgencyCa(cert, keys.getPrivate(), clock);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot make the agency CA", e);
        }
    }

    /**
     * Copies an existing CA certificate and its key into {@code folder}.
     *
     * @throws IllegalArgumentException when the certificate is not a CA or the key does not belong to it
     */
    public static AgencyCa importFrom(Path folder, Path certificateFile, Path keyFile, Clock clock) {
        refuseExisting(folder);
        X509Certificate cert = Pem.readCertificate(certificateFile);
        PrivateKey key = Pem.readPrivateKey(keyFile);
        if (cert.getBasicConstraints() < 0) {
            throw new IllegalArgumentException(
                    certificateFile + " is not a CA certificate (no basicConstraints CA:true)");
        }
        requireMatch(cert, key, certificateFile, keyFile);
        Pem.writePrivateKey(folder.resolve(KEY_FILE), key);
        Pem.writeCertificates(folder.resolve(CERTIFICATE_FILE), cert);
        return new AgencyCa(cert, key, clock);
    }

    /** Opens the CA in {@code folder}. */
    public static AgencyCa open(Path folder, Clock clock) {
        if (!Files.exists(folder.resolve(CERTIFICATE_FILE)) || !Files.exists(folder.resolve(KEY_FILE))) {
            throw new IllegalStateException("no agency CA in " + folder.toAbsolutePath() + " (expected "
                    + CERTIFICATE_FILE + " and " + KEY_FILE + "); make one with `bwc pki init`");
        }
        X509Certificate cert = Pem.readCertificate(folder.resolve(CERTIFICATE_FILE));
        PrivateKey key = Pem.readPrivateKey(folder.resolve(KEY_FILE));
        requireMatch(cert, key, folder.resolve(CERTIFICATE_FILE), folder.resolve(KEY_FILE));
        return new AgencyCa(cert, key, clock);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** SHA-256 of the CA certificate, the value units pin in {@code enrolment.caFingerprint}. */
    public String fingerprint() {
        return Fingerprints.sha256(certificate);
    }

    /**
     * A TLS server certificate with a fresh key for the given host names and IP addresses (the first is the CN).
     */
    public IssuedKey issueServer(List<String> hosts, Duration validity) {
        if (hosts.isEmpty()) throw new IllegalArgumentException("a server certificate needs at least one host name");
        KeyPair keys = KeyPairs.newTlsKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, agency)
                .addRDN(BCStyle.OU, "server")
                .addRDN(BCStyle.CN, hosts.get(0))
                .build();
        List<GeneralName> names = new ArrayList<>();
        for (String host : hosts) names.add(generalName(host));
        X509Certificate cert = issue(
                subject,
                keys.getPublic(),
                validity,
                KeyPurposeId.id_kp_serverAuth,
                new GeneralNames(names.toArray(GeneralName[]::new)));
        return new IssuedKey(keys.getPrivate(), cert);
    }

    /** A client certificate with a fresh key, for a gateway's own identity (or a test's unit). */
    public IssuedKey issueClient(String id, IdentityRole role, Duration validity) {
        KeyPair keys = KeyPairs.newTlsKeyPair();
        return new IssuedKey(
                keys.getPrivate(),
                issue(clientSubject(id, role), keys.getPublic(), validity, KeyPurposeId.id_kp_clientAuth, null));
    }

    /**
     * A client certificate for the key in a certificate request, after checking the request is signed by that key.
     * The subject is the CA's choice ({@code id}, {@code role}); a request naming another CN is refused.
     */
    public X509Certificate signRequest(
            PKCS10CertificationRequest request, String id, IdentityRole role, Duration validity) {
        PublicKey publicKey;
        try {
            JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(request);
            publicKey = jca.getPublicKey();
            if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey))) {
                throw new IllegalArgumentException("the certificate request's signature does not match its key");
            }
        } catch (GeneralSecurityException | OperatorCreationException | PKCSException e) {
            throw new IllegalArgumentException("the certificate request cannot be checked: " + e.getMessage(), e);
        }
        Optional<String> cn = commonName(request.getSubject());
        if (cn.isPresent() && !cn.get().equals(id)) {
            throw new IllegalArgumentException(
                    "the certificate request names CN=" + cn.get() + " but the enrolment is for " + id);
        }
        return issue(clientSubject(id, role), publicKey, validity, KeyPurposeId.id_kp_clientAuth, null);
    }

    /** A certificate revocation list naming {@code serials}, valid for {@code validity}, as PEM. */
    public String revocationList(Collection<BigInteger> serials, Duration validity) {
        Instant now = clock.instant();
        X509v2CRLBuilder builder = new X509v2CRLBuilder(
                X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()), Date.from(now));
        builder.setNextUpdate(Date.from(now.plus(validity)));
        for (BigInteger serial : serials) builder.addCRLEntry(serial, Date.from(now), CRLReason.cessationOfOperation);
        X509CRLHolder crl = builder.build(KeyPairs.signer(key));
        return Pem.text(crl);
    }

    private X500Name clientSubject(String id, IdentityRole role) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, agency)
                .addRDN(BCStyle.OU, role.organisationalUnit())
                .addRDN(BCStyle.CN, id)
                .build();
    }

    private X509Certificate issue(
            X500Name subject, PublicKey publicKey, Duration validity, KeyPurposeId purpose, GeneralNames names) {
        Instant now = clock.instant();
        Instant notAfter = now.plus(validity);
        if (notAfter.isAfter(certificate.getNotAfter().toInstant()))
            notAfter = certificate.getNotAfter().toInstant();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                            certificate,
                            serial(),
                            Date.from(now.minus(BACKDATE)),
                            Date.from(notAfter),
                            subject,
                            publicKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(
                            Extension.keyUsage,
                            true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey))
                    .addExtension(
                            Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            if (names != null) builder.addExtension(Extension.subjectAlternativeName, false, names);
            return convert(builder);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + subject, e);
        }
    }

    private X509Certificate convert(X509v3CertificateBuilder builder) throws CertificateException {
        return new JcaX509CertificateConverter().getCertificate(builder.build(KeyPairs.signer(key)));
    }

    private static Optional<String> commonName(X500Name name) {
        RDN[] cn = name.getRDNs(BCStyle.CN);
        return cn.length == 0
                ? Optional.empty()
                : Optional.of(IETFUtils.valueToString(cn[0].getFirst().getValue()));
    }

    private static GeneralName generalName(String host) {
        if (host.matches("[0-9.]+") || host.contains(":")) {
            try {
                return new GeneralName(
                        GeneralName.iPAddress, InetAddress.getByName(host).getHostAddress());
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + host + "' is not a valid IP address", e);
            }
        }
        return new GeneralName(GeneralName.dNSName, host);
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static void refuseExisting(Path folder) {
        if (exists(folder)) {
            throw new IllegalStateException("an agency CA already exists in " + folder.toAbsolutePath()
                    + "; it is never replaced automatically, since every certificate it issued would stop working."
                    + " Move it away first if you really mean to start over");
        }
    }

    private static void requireMatch(X509Certificate cert, PrivateKey key, Path certFile, Path keyFile) {
        try {
            // Sign something with the key and check it with the certificate: the only test that works for every key
            // type.
            var signer = KeyPairs.signer(key);
            signer.getOutputStream().write(new byte[] {1, 2, 3});
            byte[] signature = signer.getSignature();
            var verifier = new JcaContentVerifierProviderBuilder().build(cert).get(signer.getAlgorithmIdentifier());
            verifier.getOutputStream().write(new byte[] {1, 2, 3});
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException(keyFile + " is not the private key of " + certFile);
            }
        } catch (java.io.IOException | OperatorCreationException e) {
            throw new IllegalArgumentException("cannot check that " + keyFile + " belongs to " + certFile, e);
        }
    }
}
