package org.openbwc.gateway.identity;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.openbwc.config.GatewayConfig;
import org.openbwc.evidence.encryption.AgencyPublicKey;
import org.openbwc.gateway.identity.UnitDirectory.Issuance;
import org.openbwc.pki.AgencyCa;
import org.openbwc.pki.Fingerprints;
import org.openbwc.pki.IdentityRole;
import org.openbwc.pki.Pem;
import org.openbwc.protocol.Topics;
import org.tinylog.Logger;

/**
 * Enrols units with keys born on them: checks the one-time token against the {@link UnitDirectory}, has the agency CA
 * sign the unit's certificate request ({@code CN=<unitId>, OU=unit}, {@code pki.unitCertificateDays}) and pins the
 * unit's Ed25519 evidence key, and hands it the agency's public key its recordings are encrypted to (when
 * {@code encryption.publicKey} is set). Also revokes units, rewriting the CRL ({@code <dataDir>/pki/crl.pem}) that external
 * brokers read.
 */
public final class EnrolmentService {
    /** A PEM request or key is well under 2 KiB; anything far bigger is not one. */
    public static final int MAX_PEM_CHARS = 16 * 1024;
    /**
     * How long a CRL is valid. OpenSSL (Mosquitto) refuses every client once the CRL it was given has expired, so the
     * gateway rewrites it at start and at each revocation, well before this runs out.
     */
    public static final Duration CRL_VALIDITY = Duration.ofDays(30);

    /**
     * What a unit receives: its certificate, the agency CA, the fingerprint of the evidence key now pinned, and the
     * agency's public key its recordings are to be encrypted to (null when the gateway has none configured).
     */
    public record Enrolled(
            String unitId,
            X509Certificate certificate,
            X509Certificate ca,
            String evidenceKeyFingerprint,
            AgencyPublicKey agencyKey) {
        public String certificatePem() {
            return Pem.text(certificate);
        }

        public String caPem() {
            return Pem.text(ca);
        }

        /** The agency public key as PEM; empty when the gateway has none. */
        public Optional<String> agencyKeyPem() {
            return agencyKey == null ? Optional.empty() : Optional.of(agencyKey.toPem());
        }
    }

    private final UnitDirectory directory;
    private final AgencyCa ca;
    private final Duration unitValidity;
    private final Path crlFile;
    private final EnrolmentThrottle throttle;
    private final AgencyPublicKey agencyKey;

    /**
     * @param ca the agency CA; null when the gateway has none yet (enrolment then answers 503 naming {@code bwc pki
     *     init}, and revocation writes no CRL)
     */
    public EnrolmentService(
            UnitDirectory directory, AgencyCa ca, Duration unitValidity, Path crlFile, EnrolmentThrottle throttle) {
        this(directory, ca, unitValidity, crlFile, throttle, null);
    }

    /**
     * @param agencyKey the agency public key each enrolled unit receives (encryption.publicKey); null for none
     */
    public EnrolmentService(
            UnitDirectory directory,
            AgencyCa ca,
            Duration unitValidity,
            Path crlFile,
            EnrolmentThrottle throttle,
            AgencyPublicKey agencyKey) {
        this.agencyKey = agencyKey;
        this.directory = Objects.requireNonNull(directory, "directory is required");
        this.ca = ca;
        this.unitValidity = Objects.requireNonNull(unitValidity, "unitValidity is required");
        this.crlFile = Objects.requireNonNull(crlFile, "crlFile is required");
        this.throttle = Objects.requireNonNull(throttle, "throttle is required");
    }

    /** The service for a gateway's configuration: unit certificates for {@code pki.unitCertificateDays}. */
    public static EnrolmentService of(GatewayConfig config, UnitDirectory directory, AgencyCa ca, Clock clock) {
        return of(config, directory, ca, clock, null);
    }

    /** As {@link #of(GatewayConfig, UnitDirectory, AgencyCa, Clock)}, handing units this agency key (null: none). */
    public static EnrolmentService of(
            GatewayConfig config, UnitDirectory directory, AgencyCa ca, Clock clock, AgencyPublicKey agencyKey) {
        return new EnrolmentService(
                directory,
                ca,
                Duration.ofDays(config.pki().unitCertificateDays()),
                config.pkiDir().resolve(GatewayPki.REVOCATION_LIST),
                EnrolmentThrottle.defaults(clock),
                agencyKey);
    }

    /** The agency public key enrolled units receive; empty when none is configured. */
    public Optional<AgencyPublicKey> agencyKey() {
        return Optional.ofNullable(agencyKey);
    }

    public UnitDirectory directory() {
        return directory;
    }

    /** The fingerprint units pin in {@code enrolment.caFingerprint}; empty without a CA. */
    public Optional<String> caFingerprint() {
        return ca == null ? Optional.empty() : Optional.of(ca.fingerprint());
    }

    /**
     * Enrols a unit.
     *
     * @param source the caller's address, for the throttle and the log
     * @throws EnrolmentRefusedException with the status to answer and the reason the unit logs
     */
    public Enrolled enrol(String source, String unitId, String token, String csrPem, String evidenceKeyPem) {
        if (!throttle.allow(source)) {
            Logger.warn("Enrolment attempt from {} throttled", source);
            throw new EnrolmentRefusedException(
                    429,
                    "too many enrolment attempts from " + source + "; try again in "
                            + Math.max(1, throttle.retryAfter(source).toSeconds()) + " s");
        }
        if (ca == null) {
            throw new EnrolmentRefusedException(
                    503, "this gateway has no agency CA yet; an administrator makes one with `bwc pki init`");
        }
        try {
            Topics.requireId(unitId, "unitId");
        } catch (IllegalArgumentException e) {
            throw new EnrolmentRefusedException(400, e.getMessage());
        }
        if (token == null || token.isBlank()) throw new EnrolmentRefusedException(400, "\"token\" is missing");
        PKCS10CertificationRequest csr = parse(csrPem, "csr", p -> Pem.parseCsr(p, "csr"));
        PublicKey evidenceKey = parse(evidenceKeyPem, "evidenceKey", p -> Pem.parsePublicKey(p, "evidenceKey"));
        if (!isEd25519(evidenceKey)) {
            throw new EnrolmentRefusedException(
                    400, "evidenceKey must be the unit's Ed25519 evidence key (keys/device-key.pub.pem)");
        }
        String evidenceFingerprint = Fingerprints.evidenceKey(evidenceKey);
        X509Certificate[] issued = new X509Certificate[1];
        try {
            directory.redeem(unitId, token, unit -> {
                try {
                    issued[0] = ca.signRequest(csr, unitId, IdentityRole.UNIT, unitValidity);
                } catch (IllegalArgumentException e) {
                    throw new EnrolmentRefusedException(400, e.getMessage());
                }
                return new Issuance(
                        issued[0].getSerialNumber(),
                        issued[0].getNotAfter().toInstant(),
                        Base64.getEncoder().encodeToString(evidenceKey.getEncoded()),
                        evidenceFingerprint);
            });
        } catch (EnrolmentRefusedException e) {
            Logger.info(
                    "Enrolment of unit {} from {} refused ({}): {}", safe(unitId), source, e.status(), e.getMessage());
            throw e;
        }
        Logger.info(
                "Unit {} enrolled from {}: certificate {} until {}, evidence key {} pinned, {}",
                unitId,
                source,
                issued[0].getSerialNumber().toString(16),
                issued[0].getNotAfter().toInstant(),
                evidenceFingerprint,
                agencyKey == null ? "no agency key to give it" : "agency key " + agencyKey.keyId() + " given");
        return new Enrolled(unitId, issued[0], ca.certificate(), evidenceFingerprint, agencyKey);
    }

    /** Issues a one-time token for a unit (see {@link UnitDirectory#add}). */
    public UnitDirectory.IssuedToken add(String unitId) {
        return directory.add(unitId);
    }

    /**
     * Revokes a unit and rewrites the CRL.
     *
     * @return the unit as it is now; empty for an unknown unit id
     */
    public Optional<EnrolledUnit> revoke(String unitId) {
        Optional<EnrolledUnit> unit = directory.revoke(unitId);
        if (unit.isPresent()) writeRevocationList();
        return unit;
    }

    /** Writes the CRL of every revoked unit's certificates (nothing without a CA). */
    public void writeRevocationList() {
        if (ca == null) {
            Logger.warn("No agency CA: no revocation list written to {}", crlFile);
            return;
        }
        List<BigInteger> serials = directory.revokedSerials();
        Pem.writeAtomically(crlFile, ca.revocationList(serials, CRL_VALIDITY), false);
        Logger.debug("Revocation list {} written: {} certificates", crlFile, serials.size());
    }

    private interface Parser<T> {
        T parse(String pem);
    }

    private static <T> T parse(String pem, String field, Parser<T> parser) {
        if (pem == null || pem.isBlank()) throw new EnrolmentRefusedException(400, "\"" + field + "\" is missing");
        if (pem.length() > MAX_PEM_CHARS) {
            throw new EnrolmentRefusedException(
                    400, "\"" + field + "\" is longer than " + MAX_PEM_CHARS + " characters");
        }
        try {
            return parser.parse(pem);
        } catch (IllegalArgumentException e) {
            throw new EnrolmentRefusedException(400, e.getMessage());
        }
    }

    private static boolean isEd25519(PublicKey key) {
        try {
            return SubjectPublicKeyInfo.getInstance(key.getEncoded())
                    .getAlgorithm()
                    .getAlgorithm()
                    .equals(EdECObjectIdentifiers.id_Ed25519);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A unit id as sent, safe for the log (it may be anything before it is checked). */
    private static String safe(String unitId) {
        if (unitId == null) return "-";
        String s = unitId.codePoints()
                .filter(c -> !Character.isISOControl(c))
                .limit(64)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return s.isEmpty() ? "-" : s;
    }
}
