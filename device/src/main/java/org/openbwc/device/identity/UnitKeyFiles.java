package org.openbwc.device.identity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.openbwc.pki.TlsContexts;

/**
 * The unit's TLS identity in {@code <dataDir>/keys/}: {@code unit.key} (mode 600, made on the unit and never sent
 * anywhere), {@code unit.crt} (issued by the agency CA at enrolment, CN = unit id) and {@code ca.crt} (the agency CA,
 * the only issuer the unit trusts for its broker, its live uplink and its gateway), and {@code agency.pub} (the agency's
 * public key its recordings are encrypted to, received at enrolment; {@code evidence.agencyKey} in the config wins).
 */
public record UnitKeyFiles(Path folder) {
    public static final String KEY = "unit.key";
    public static final String CERTIFICATE = "unit.crt";
    public static final String CA = "ca.crt";
    public static final String AGENCY_KEY = "agency.pub";

    public UnitKeyFiles {
        Objects.requireNonNull(folder, "folder is required");
    }

    public Path keyFile() {
        return folder.resolve(KEY);
    }

    public Path certificateFile() {
        return folder.resolve(CERTIFICATE);
    }

    public Path caFile() {
        return folder.resolve(CA);
    }

    /** The agency's public key as received at enrolment (may not exist). */
    public Path agencyKeyFile() {
        return folder.resolve(AGENCY_KEY);
    }

    /** Whether the unit has been enrolled: its key, certificate and CA are all there. */
    public boolean present() {
        return Files.isRegularFile(keyFile())
                && Files.isRegularFile(certificateFile())
                && Files.isRegularFile(caFile());
    }

    /**
     * A TLS context that presents the unit's certificate and trusts only the agency CA.
     *
     * @throws IllegalStateException naming what is missing when the unit is not enrolled
     */
    public SSLContext tlsContext() {
        if (!present()) {
            throw new IllegalStateException(
                    "the unit has no TLS identity in " + folder.toAbsolutePath() + " (expected "
                            + KEY + ", " + CERTIFICATE + " and " + CA
                            + "): set enrolment.url, tokenFile and caFingerprint so it enrols at start, or copy the files there");
        }
        return TlsContexts.mutual(keyFile(), certificateFile(), caFile());
    }
}
