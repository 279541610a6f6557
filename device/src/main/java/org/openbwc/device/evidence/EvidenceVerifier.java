package org.openbwc.device.evidence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openbwc.json.JsonException;

/**
 * Checks a sealed recording directory end to end and reports the first problem, naming the file and the place.
 *
 * <p>In order: the manifest parses; its embedded public key is an Ed25519 key and, if one is expected, that key; the
 * signature verifies over the canonical bytes (see {@link EvidenceJson}), and when it does not, the journal is used
 * to name the manifest field that was changed; the segments are listed in order with contiguous fragment numbers;
 * every segment file has the listed size and SHA-256 (a file holding another segment's content is reported as out
 * of order, a short one as truncated, a changed one down to the fragment); then the journal is walked: every
 * fragment's bytes re-read at its offset and hashed, fragment numbers contiguous, the chain recomputed from the
 * recording id; finally the journal must describe exactly the manifest (same chain head, counts, markers, track …).
 * Stateless and thread-safe.
 */
public final class EvidenceVerifier {
    private static final List<String> NOT_FROM_JOURNAL = List.of("publicKey", "signature");

    /** Verifies {@code recordingDir}; with {@code expected} present, also that it was signed by that key. */
    public VerificationResult verify(Path recordingDir, Optional<PublicKey> expected) {
        String id = recordingDir.getFileName() == null
                ? recordingDir.toString()
                : recordingDir.getFileName().toString();
        try {
            return check(recordingDir, id, expected);
        } catch (IOException e) {
            return VerificationResult.failed(id, id + ": cannot be read: " + e);
        }
    }

    private VerificationResult check(Path dir, String id, Optional<PublicKey> expected) throws IOException {
        Path manifestFile = dir.resolve(ManifestFile.FILE_NAME);
        if (!Files.exists(manifestFile)) {
            return VerificationResult.failed(
                    id, ManifestFile.FILE_NAME + " missing: the recording was never sealed (run recovery)");
        }
        Map<String, Object> tree;
        RecordingManifest manifest;
        try {
            tree = EvidenceJson.readTree(Files.readAllBytes(manifestFile));
            manifest = EvidenceJson.manifest(tree);
        } catch (JsonException e) {
            return VerificationResult.failed(id, ManifestFile.FILE_NAME + ": not a valid manifest: " + e.getMessage());
        }
        if (manifest.recordingId() != null) id = manifest.recordingId();
        if (manifest.publicKey() == null || manifest.signature() == null) {
            return VerificationResult.failed(
                    id, ManifestFile.FILE_NAME + ": not signed (publicKey or signature missing)");
        }
        PublicKey signer;
        try {
            signer = DeviceKey.publicKeyFromBase64(manifest.publicKey());
        } catch (IllegalArgumentException e) {
            return VerificationResult.failed(id, ManifestFile.FILE_NAME + ": publicKey: " + e.getMessage());
        }
        String fingerprint = DeviceKey.fingerprint(signer);
        if (expected.isPresent() && !expected.get().equals(signer)) {
            return VerificationResult.failed(
                    id,
                    ManifestFile.FILE_NAME + ": signed by " + fingerprint + ", not by the expected key "
                            + DeviceKey.fingerprint(expected.get()));
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(manifest.signature());
        } catch (IllegalArgumentException e) {
            return VerificationResult.failed(id, ManifestFile.FILE_NAME + ": signature is not base64");
        }
        if (!DeviceKey.verify(signer, EvidenceJson.canonicalWithoutSignature(tree), signature)) {
            return VerificationResult.failed(id, signatureProblem(dir, tree, manifest.publicKey()));
        }

        String order = segmentOrder(manifest.segments());
        if (order != null) return VerificationResult.failed(id, order);
        String files = segmentFiles(dir, manifest.segments());
        if (files != null) return VerificationResult.failed(id, files);

        JournalWalk.Outcome walk = JournalWalk.run(dir);
        if (!walk.clean()) return VerificationResult.failed(id, walk.problem());
        if (walk.recording().closed() == null) {
            return VerificationResult.failed(id, EvidenceJournal.FILE_NAME + ": no close entry at the end");
        }
        Map<String, Object> fromJournal = EvidenceJson.tree(walk.recording().manifest(manifest.publicKey()));
        List<String> differing = EvidenceJson.differingFields(tree, fromJournal, NOT_FROM_JOURNAL);
        if (!differing.isEmpty()) {
            return VerificationResult.failed(
                    id,
                    EvidenceJournal.FILE_NAME + " does not match " + ManifestFile.FILE_NAME + ": field '"
                            + differing.getFirst() + "'");
        }
        return VerificationResult.passed(
                id,
                String.format(
                        java.util.Locale.ROOT,
                        "%s OK: %d segments, %d fragments, %.1f s, chain %s, signed by %s%s",
                        id,
                        manifest.segments().size(),
                        manifest.fragmentCount(),
                        manifest.durationSeconds(),
                        Sha256.tail(manifest.chainHead()),
                        fingerprint,
                        manifest.recovered()
                                ? " (recovered after a crash, " + manifest.bytesTruncated() + " bytes cut)"
                                : ""));
    }

    /** The signature failed: name the field that differs from what the journal says, if the journal can tell. */
    private static String signatureProblem(Path dir, Map<String, Object> tree, String publicKey) {
        try {
            JournalWalk.Outcome walk = JournalWalk.run(dir);
            if (walk.recording().opened() != null && walk.recording().closed() != null) {
                Map<String, Object> fromJournal =
                        EvidenceJson.tree(walk.recording().manifest(publicKey));
                List<String> differing = EvidenceJson.differingFields(tree, fromJournal, NOT_FROM_JOURNAL);
                if (!differing.isEmpty()) {
                    return ManifestFile.FILE_NAME + ": field '" + differing.getFirst()
                            + "' does not match the signature";
                }
            }
        } catch (IOException | RuntimeException e) {
            // The journal cannot say which field changed; the plain verdict stands.
        }
        return ManifestFile.FILE_NAME + ": signature invalid";
    }

    private static String segmentOrder(List<RecordingManifest.Segment> segments) {
        long expectedFirst = 1;
        for (int i = 0; i < segments.size(); i++) {
            RecordingManifest.Segment s = segments.get(i);
            String name = RecordingFiles.segmentName(i + 1);
            if (!name.equals(s.file()) || s.firstSeq() != expectedFirst || s.lastSeq() < s.firstSeq()) {
                String previous = i == 0 ? "the start" : segments.get(i - 1).file();
                return "segments out of order: " + s.file() + " listed after " + previous;
            }
            expectedFirst = s.lastSeq() + 1;
        }
        return null;
    }

    private static String segmentFiles(Path dir, List<RecordingManifest.Segment> segments) throws IOException {
        List<String> actual = new ArrayList<>();
        for (RecordingManifest.Segment s : segments) {
            try {
                actual.add(Sha256.ofFile(dir.resolve(s.file())));
            } catch (NoSuchFileException e) {
                return s.file() + " missing";
            }
        }
        for (int i = 0; i < segments.size(); i++) {
            RecordingManifest.Segment s = segments.get(i);
            if (actual.get(i).equals(s.sha256())) continue;
            for (RecordingManifest.Segment other : segments) {
                if (other != s && other.sha256().equals(actual.get(i))) {
                    return "segments out of order: " + s.file() + " holds the content listed for " + other.file()
                            + " (fragments " + other.firstSeq() + ".." + other.lastSeq() + ")";
                }
            }
            long size = Files.size(dir.resolve(s.file()));
            if (size < s.bytes()) return s.file() + " truncated: " + (s.bytes() - size) + " bytes missing";
            if (size > s.bytes()) return s.file() + ": " + (size - s.bytes()) + " unexpected bytes after the end";
            JournalWalk.Outcome walk = JournalWalk.run(dir);
            if (!walk.clean() && walk.problem().startsWith(s.file())) return walk.problem();
            return s.file() + ": sha256 mismatch";
        }
        return null;
    }
}
