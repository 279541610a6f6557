package org.openbwc.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.openbwc.device.DataFolder;
import org.openbwc.device.evidence.DeviceKey;
import org.openbwc.device.evidence.EvidenceExporter;
import org.openbwc.evidence.EvidenceVerifier;
import org.openbwc.evidence.ManifestSignature;
import org.openbwc.evidence.VerificationResult;
import org.openbwc.evidence.encryption.AgencyKeyPair;
import org.openbwc.evidence.encryption.DecryptionException;
import org.openbwc.evidence.encryption.RecordingDecryptor;
import org.openbwc.gateway.identity.EnrolledUnit;
import org.openbwc.gateway.identity.UnitDirectory;
import org.openbwc.json.JsonReader;
import org.openbwc.pki.Fingerprints;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bwc evidence verify|export}: check a recording's hashes, chain and signature, or turn it into one MP4. */
@Command(
        name = "evidence",
        mixinStandardHelpOptions = true,
        description = "Verify or export a recording folder (" + DataFolder.EVIDENCE + "/<recordingId>/).",
        subcommands = {EvidenceCommand.Verify.class, EvidenceCommand.Export.class})
final class EvidenceCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static Path recordingDir(CommandLine cl, Path dir) {
        if (!Files.isDirectory(dir))
            throw new CommandLine.ParameterException(
                    cl, dir + " is not a folder (expected " + DataFolder.EVIDENCE + "/<recordingId>/)");
        return dir;
    }

    /** Every hash, the chain and the signature; exit 0 with a summary or 1 naming the first problem. */
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Check every segment and fragment hash, the hash chain, and the manifest's Ed25519 signature.",
                "Prints the key it trusted and where it came from (the manifest only, a key file, or the key the",
                "gateway pinned when the unit enrolled: --pinned). Exit 0 with a one-line summary, or exit 1",
                "naming the first bad segment or field."
            })
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(
                index = "0",
                paramLabel = "DIR|ZIP",
                description = "A recording folder, or an export ZIP from the monitoring room (its custody log is"
                        + " checked too).")
        Path dir;

        @Option(
                names = "--key",
                paramLabel = "PEM",
                description = "The unit's public key file (" + DeviceKey.PUBLIC_KEY_FILE + "): "
                        + "also require the recording to be signed by exactly this key.")
        Path key;

        @Option(
                names = "--pinned",
                paramLabel = "GATEWAY-DATA-DIR",
                description = "The gateway's data folder: require the recording to be signed by the evidence key the"
                        + " gateway pinned when the recording's unit enrolled (" + UnitDirectory.FILE + ").")
        Path pinned;

        private Trusted trusted(Path recording) throws IOException {
            Map<String, Object> manifest = manifestFields(recording);
            if (key != null) {
                PublicKey k = readPublicKeyPem(key);
                return new Trusted(Optional.of(k), Fingerprints.evidenceKey(k), "the key file " + key);
            }
            if (pinned != null) {
                if (!(manifest.get("unitId") instanceof String unitId)) {
                    throw new UserFacingException(
                            recording.resolve(MANIFEST) + " names no unitId, so no pinned key can be looked up", 1);
                }
                UnitDirectory units;
                try {
                    units = UnitDirectory.open(pinned, Clock.systemUTC());
                } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                    throw new UserFacingException(e.getMessage(), 2, e);
                }
                EnrolledUnit unit = units.find(unitId)
                        .filter(u -> u.evidenceKey() != null)
                        .orElseThrow(() -> new UserFacingException(
                                "no evidence key is pinned for unit " + unitId + " in " + units.file()
                                        + " (the unit never enrolled at that gateway)",
                                1));
                PublicKey k = ManifestSignature.publicKeyFromBase64(unit.evidenceKey());
                return new Trusted(
                        Optional.of(k),
                        Fingerprints.evidenceKey(k),
                        "pinned at enrolment of " + unitId + " on " + unit.enrolledAt() + ", " + units.file()
                                + (unit.state() == EnrolledUnit.State.REVOKED
                                        ? "; the unit was revoked on " + unit.revokedAt()
                                        : ""));
            }
            String fingerprint = null;
            if (manifest.get("publicKey") instanceof String b64) {
                try {
                    fingerprint = Fingerprints.evidenceKey(ManifestSignature.publicKeyFromBase64(b64));
                } catch (IllegalArgumentException e) {
                    // reported by the verifier
                }
            }
            return new Trusted(
                    Optional.empty(),
                    fingerprint,
                    "manifest only: proves the recording is intact, not which unit made it; use --pinned or --key");
        }

        @Override
        public Integer call() throws IOException {
            if (key != null && pinned != null) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--key and --pinned each name the key to trust; give one of them");
            }
            if (Files.isRegularFile(dir) && dir.getFileName().toString().endsWith(".zip")) return verifyExport();
            return verify(recordingDir(spec.commandLine(), dir));
        }

        /** An export ZIP: unpacked into a temporary folder, the recording verified, then its custody log. */
        private int verifyExport() throws IOException {
            Path temp = Files.createTempDirectory("bwc-export-");
            try {
                Path recording;
                try {
                    recording = ExportedEvidence.unpack(dir, temp);
                } catch (IOException e) {
                    spec.commandLine().getErr().println(e.getMessage());
                    return 1;
                }
                int verdict = verify(recording);
                if (verdict != 0) return verdict;
                try {
                    String decrypted = ExportedEvidence.checkDecrypted(recording);
                    if (decrypted != null) spec.commandLine().getOut().println(decrypted);
                } catch (IOException | RuntimeException e) {
                    spec.commandLine().getErr().println("Decrypted media: " + e.getMessage());
                    return 1;
                }
                try {
                    spec.commandLine()
                            .getOut()
                            .println(ExportedEvidence.checkCustody(
                                    recording, recording.getFileName().toString()));
                    return 0;
                } catch (IOException | RuntimeException e) {
                    spec.commandLine().getErr().println("Custody log: " + e.getMessage());
                    return 1;
                }
            } finally {
                try (var walk = Files.walk(temp)) {
                    for (Path p :
                            walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                }
            }
        }

        private int verify(Path recording) throws IOException {
            Trusted trusted = trusted(recording);
            // Always say which key the verdict rests on: a manifest's own key proves integrity, not origin.
            spec.commandLine().getOut().println("Trusted key: " + trusted.describe());
            spec.commandLine().getOut().flush();
            VerificationResult r = new EvidenceVerifier().verify(recording, trusted.key());
            if (r.ok()) {
                spec.commandLine().getOut().println(r.message());
                return 0;
            }
            spec.commandLine().getErr().println(r.message());
            return 1;
        }
    }

    /** The key a verification trusts and where it came from. */
    record Trusted(Optional<PublicKey> key, String fingerprint, String source) {
        String describe() {
            return (fingerprint == null ? "unknown" : fingerprint) + " (" + source + ")";
        }
    }

    /** Reads the manifest's unit id and key as plain JSON: only to name them, the verifier checks everything. */
    static Map<String, Object> manifestFields(Path recording) {
        try {
            if (JsonReader.parse(Files.readAllBytes(recording.resolve(MANIFEST))) instanceof Map<?, ?> m) {
                Map<String, Object> out = new java.util.HashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), v));
                return out;
            }
        } catch (IOException | RuntimeException e) {
            // the verifier names what is wrong with the manifest
        }
        return Map.of();
    }

    static final String MANIFEST = "manifest.json";

    /** Reads a PEM "PUBLIC KEY" block (the unit's device-key.pub.pem). */
    static PublicKey readPublicKeyPem(Path pem) throws IOException {
        String text = Files.readString(pem);
        String base64 = text.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        try {
            return ManifestSignature.publicKeyFromBase64(base64);
        } catch (IllegalArgumentException e) {
            throw new UserFacingException(pem + " is not an Ed25519 public key in PEM form: " + e.getMessage(), 2, e);
        }
    }

    /** One ordinary MP4 of the whole recording, without re-encoding. */
    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = {
                "Remux a recording into one MP4 (no re-encode) that any player and browser can open. Verifies it first.",
                "An encrypted recording needs the agency's private key (--agency-key agency.key); each piece is",
                "checked against the plaintext hash the unit signed, so the MP4 is provably the recorded media."
            })
    static final class Export implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(
                index = "0",
                paramLabel = "DIR|ZIP",
                description = "A recording folder, or an export ZIP from the monitoring room (its custody log is"
                        + " checked too).")
        Path dir;

        @Parameters(index = "1", paramLabel = "OUT.mp4", description = "The file to write.")
        Path out;

        @Option(
                names = "--agency-key",
                paramLabel = "FILE",
                description = "The agency's private key (agency.key from `bwc agency keygen`) for an encrypted"
                        + " recording; repeat it to offer older keys after a rotation (the one the recording names"
                        + " is used).")
        List<Path> agencyKeys = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            VerificationResult r =
                    new EvidenceVerifier().verify(recordingDir(spec.commandLine(), dir), Optional.empty());
            if (!r.ok()) {
                spec.commandLine().getErr().println("not exporting: " + r.message());
                return 1;
            }
            String encryptedTo = RecordingDecryptor.encryptedTo(dir);
            if (encryptedTo != null && agencyKeys.isEmpty()) {
                spec.commandLine()
                        .getErr()
                        .println("not exporting: recording " + r.recordingId() + " is encrypted to agency key "
                                + encryptedTo + "; give the agency's private key with --agency-key agency.key"
                                + " (verify needs no key)");
                return 1;
            }
            List<AgencyKeyPair> keys = new ArrayList<>();
            for (Path file : agencyKeys) keys.add(readAgencyKey(file));
            EvidenceExporter.Exported e;
            try {
                e = new EvidenceExporter().export(dir, out, EvidenceExporter.Format.FASTSTART, keys);
            } catch (DecryptionException failed) {
                spec.commandLine().getErr().println("not exporting: " + failed.getMessage());
                return 1;
            }
            spec.commandLine()
                    .getOut()
                    .printf(
                            "%s: %d fragments, %.1f s, %d bytes (%s)%s%n",
                            e.file(),
                            e.fragmentCount(),
                            e.durationMicros() / 1e6,
                            e.bytes(),
                            e.format(),
                            encryptedTo == null
                                    ? ""
                                    : "; decrypted with agency key " + encryptedTo
                                            + ", every piece matched its signed plaintext hash");
            return 0;
        }

        private static AgencyKeyPair readAgencyKey(Path file) throws IOException {
            if (!Files.isRegularFile(file)) throw new UserFacingException("--agency-key " + file + ": no such file", 2);
            try {
                return AgencyKeyPair.fromPem(Files.readString(file));
            } catch (IllegalArgumentException e) {
                throw new UserFacingException(
                        "--agency-key " + file + " is not an agency private key (agency.key from `bwc agency keygen`;"
                                + " agency.pub cannot decrypt): " + e.getMessage(),
                        2,
                        e);
            }
        }
    }
}
