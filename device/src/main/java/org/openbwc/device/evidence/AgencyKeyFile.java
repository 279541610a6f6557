package org.openbwc.device.evidence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.openbwc.evidence.encryption.AgencyPublicKey;
import org.openbwc.evidence.encryption.PieceCipher;
import org.tinylog.Logger;

/**
 * Where the unit finds the agency public key its recordings are encrypted to ({@code evidence.agencyKey}, else
 * {@code <dataDir>/keys/agency.pub} from enrolment), read again each time a recording opens so a key that arrives or
 * changes later applies from the next recording on (rotation; earlier recordings stay as they were).
 */
public final class AgencyKeyFile implements Supplier<Optional<AgencyPublicKey>> {
    private static final String HOW_TO_FIX = "set evidence.agencyKey to the agency's agency.pub (from `bwc agency"
            + " keygen`), or enrol the unit so that it receives keys/agency.pub";

    private final Path file;
    private final boolean configured;
    /** The last key read, kept for when the file turns unreadable later: better that key than none. */
    private volatile AgencyPublicKey last;

    private AgencyKeyFile(Path file, boolean configured) {
        this.file = file;
        this.configured = configured;
    }

    /**
     * Resolves the key file at start: {@code configured} (the config's {@code evidence.agencyKey}) if set, which must
     * then hold an agency public key; else {@code enrolled} ({@code keys/agency.pub}) if it exists; else none, said in
     * one WARN line (the enrolled file is still looked for as each recording opens).
     *
     * @throws IllegalArgumentException naming the file and the setting when a key file is there but not usable
     */
    public static AgencyKeyFile resolve(String configured, Path enrolled) {
        return resolve(configured, enrolled, false);
    }

    /**
     * As {@link #resolve(String, Path)}; {@code enrolling} says the unit is about to enrol, which brings the key: then
     * its absence is said at INFO, as what it is (recordings before enrolment are not encrypted), not as a fault.
     */
    public static AgencyKeyFile resolve(String configured, Path enrolled, boolean enrolling) {
        Objects.requireNonNull(enrolled, "enrolled");
        AgencyKeyFile keys;
        if (configured != null) {
            keys = new AgencyKeyFile(Path.of(configured), true);
        } else {
            keys = new AgencyKeyFile(enrolled, false);
            if (!Files.exists(enrolled) && enrolling) {
                Logger.info(
                        "no agency key yet: it comes with enrolment ({}); a recording made before the unit has enrolled"
                                + " is not encrypted",
                        enrolled);
                return keys;
            }
            if (!Files.exists(enrolled)) {
                Logger.warn(
                        "recordings on this unit are NOT encrypted: there is no agency key ({} is missing and"
                                + " evidence.agencyKey is not set); {}",
                        enrolled,
                        HOW_TO_FIX);
                return keys;
            }
        }
        AgencyPublicKey key = keys.read();
        keys.last = key;
        warmUp(key);
        Logger.info("new recordings are encrypted to agency key {} ({})", key.keyId(), keys.file);
        return keys;
    }

    /**
     * Wraps and seals once at start, so that the first recording does not wait for the HPKE and AES-GCM classes to
     * load (~70 ms on a desktop core with the unit's C1-only JVM, several times that on a Pi) after the button press.
     */
    private static void warmUp(AgencyPublicKey key) {
        byte[] dataKey = PieceCipher.newKey();
        key.wrap(dataKey, "warm-up");
        new PieceCipher(dataKey).seal(new byte[64], PieceCipher.aad("warm-up", "seg-000001.mp4", 0));
    }

    /** The key file in use. */
    public Path file() {
        return file;
    }

    private AgencyPublicKey read() {
        String setting = configured ? "evidence.agencyKey" : "the enrolled agency key";
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(setting + ": " + file.toAbsolutePath()
                    + (Files.exists(file) ? " is not a file" : " does not exist")
                    + "; expected the agency's public key agency.pub (from `bwc agency keygen`)");
        }
        try {
            return AgencyPublicKey.fromPem(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    setting + ": " + file.toAbsolutePath() + " is not an agency public key (agency.pub from `bwc agency"
                            + " keygen`, never agency.key): " + e.getMessage(),
                    e);
        }
    }

    /**
     * The key for a recording opening now. A file that appeared since the start is taken up; one that turned
     * unreadable falls back to the key read before (an ERROR says so), and to none only if there never was one.
     */
    @Override
    public Optional<AgencyPublicKey> get() {
        AgencyPublicKey before = last;
        if (before == null && !configured && !Files.exists(file)) return Optional.empty();
        try {
            AgencyPublicKey now = read();
            if (before == null || !before.keyId().equals(now.keyId())) {
                Logger.info("new recordings are encrypted to agency key {} ({})", now.keyId(), file);
                last = now;
            }
            return Optional.of(now);
        } catch (IllegalArgumentException e) {
            if (before != null) {
                Logger.error(
                        "{}; this recording is encrypted to the agency key read before, {}",
                        e.getMessage(),
                        before.keyId());
                return Optional.of(before);
            }
            Logger.error("{}; this recording is NOT encrypted", e.getMessage());
            return Optional.empty();
        }
    }
}
