package org.openbwc.evidence;

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
 * An encrypted recording verifies the same way without any key: hashes and chain are over the sealed bytes on disk,
 * and the chain also takes each piece's journaled plaintext hash.
 * {@link #checkJournal} does the same from a manifest and a journal alone, without the segment files. Stateless and
 * thread-safe.
 */
public final class EvidenceVerifier {
    private static final List<String> NOT_FROM_JOURNAL = List.of("publicKey", "signature");
    private static final String MANIFEST = RecordingLayout.MANIFEST_FILE;
    private static final String JOURNAL = RecordingLayout.JOURNAL_FILE;

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

    /**
     * Checks a manifest on its own, as bytes (the first file of an upload): it parses, names a key (the {@code expected}
     * one, if present) and its signature holds over the canonical bytes. Without the journal a failed signature cannot
     * be traced to a field, so it is reported as invalid.
     */
    public VerificationResult checkManifest(byte[] manifestJson, Optional<PublicKey> expected) {
        Signed signed = signed(manifestJson, null, expected, () -> {
            throw new IOException("no journal yet");
        });
        if (signed.failure() != null) return signed.failure();
        return VerificationResult.passed(signed.id(), signed.id() + " manifest signed by " + signed.fingerprint());
    }

    /**
     * Checks a recording's journal against its manifest without the segment files, as bytes (e.g. uploaded ahead of
     * the media): the manifest parses, its signature is valid (and by {@code expected} if present), every journal
     * line parses (a torn last line fails), the journal is the manifest's recording, the chain recomputed from the
     * recording id reaches the manifest's {@code chainHead}, and the journal describes exactly the manifest (segment
     * sizes and hashes, counts, markers, track …), as {@link #verify} compares them. What it cannot check is the
     * media: check each segment's bytes against {@link JournalReader#mediaPieces} and the manifest's segment hashes.
     * The result's {@code recordingId} is null when the manifest cannot be read.
     */
    public VerificationResult checkJournal(byte[] manifestJson, byte[] journal, Optional<PublicKey> expected) {
        Signed signed = signed(manifestJson, null, expected, () -> JournalWalk.journalOnly(journal));
        if (signed.failure() != null) return signed.failure();
        String id = signed.id();
        RecordingManifest manifest = signed.manifest();
        String order = segmentOrder(manifest.segments());
        if (order != null) return VerificationResult.failed(id, order);

        JournalWalk.Outcome walk = JournalWalk.journalOnly(journal);
        if (!walk.clean()) return VerificationResult.failed(id, walk.problem());
        JournaledRecording recording = walk.recording();
        if (recording.closed() == null) return VerificationResult.failed(id, JOURNAL + ": no close entry at the end");
        if (!recording.opened().recordingId().equals(manifest.recordingId())) {
            return VerificationResult.failed(
                    id,
                    JOURNAL + " is the journal of recording "
                            + recording.opened().recordingId() + ", not of " + manifest.recordingId());
        }
        if (!recording.chainHead().equals(manifest.chainHead())) {
            return VerificationResult.failed(
                    id,
                    JOURNAL + ": the chain ends at " + Sha256.tail(recording.chainHead()) + ", " + MANIFEST + " says "
                            + Sha256.tail(manifest.chainHead()));
        }
        String differing = journalDiffers(signed.tree(), recording, manifest.publicKey());
        if (differing != null) return VerificationResult.failed(id, differing);
        return VerificationResult.passed(
                id,
                String.format(
                        java.util.Locale.ROOT,
                        "%s journal matches the manifest: %d segments, %d fragments, %.1f s, chain %s, signed by %s%s",
                        id,
                        manifest.segments().size(),
                        manifest.fragmentCount(),
                        manifest.durationSeconds(),
                        Sha256.tail(manifest.chainHead()),
                        signed.fingerprint(),
                        encryptedTo(manifest)));
    }

    private VerificationResult check(Path dir, String id, Optional<PublicKey> expected) throws IOException {
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.exists(manifestFile)) {
            return VerificationResult.failed(id, MANIFEST + " missing: the recording was never sealed (run recovery)");
        }
        Signed signed = signed(Files.readAllBytes(manifestFile), id, expected, () -> JournalWalk.run(dir));
        if (signed.failure() != null) return signed.failure();
        id = signed.id();
        RecordingManifest manifest = signed.manifest();

        String order = segmentOrder(manifest.segments());
        if (order != null) return VerificationResult.failed(id, order);
        String files = segmentFiles(dir, manifest.segments());
        if (files != null) return VerificationResult.failed(id, files);

        JournalWalk.Outcome walk = JournalWalk.run(dir);
        if (!walk.clean()) return VerificationResult.failed(id, walk.problem());
        if (walk.recording().closed() == null) {
            return VerificationResult.failed(id, JOURNAL + ": no close entry at the end");
        }
        String differing = journalDiffers(signed.tree(), walk.recording(), manifest.publicKey());
        if (differing != null) return VerificationResult.failed(id, differing);
        return VerificationResult.passed(
                id,
                String.format(
                        java.util.Locale.ROOT,
                        "%s OK: %d segments, %d fragments, %.1f s, chain %s, signed by %s%s%s",
                        id,
                        manifest.segments().size(),
                        manifest.fragmentCount(),
                        manifest.durationSeconds(),
                        Sha256.tail(manifest.chainHead()),
                        signed.fingerprint(),
                        manifest.recovered()
                                ? " (recovered after a crash, " + manifest.bytesTruncated() + " bytes cut)"
                                : "",
                        encryptedTo(manifest)));
    }

    /** Said of an encrypted recording, which verifies without any key: whose key can read it. */
    private static String encryptedTo(RecordingManifest manifest) {
        return manifest.encrypted()
                ? "; media encrypted to agency key " + manifest.encryption().keyId()
                : "";
    }

    /** A walk of the recording's journal, to name the changed field when the signature fails. */
    private interface JournalSource {
        JournalWalk.Outcome walk() throws IOException;
    }

    /** A manifest that parsed and whose signature holds, or {@code failure} saying why not. */
    private record Signed(
            String id,
            Map<String, Object> tree,
            RecordingManifest manifest,
            String fingerprint,
            VerificationResult failure) {
        static Signed failed(String id, String problem) {
            return new Signed(id, null, null, null, VerificationResult.failed(id, problem));
        }
    }

    /** The manifest's own checks: it parses, names a key (the expected one, if given) and its signature holds. */
    private static Signed signed(byte[] json, String id, Optional<PublicKey> expected, JournalSource journal) {
        Map<String, Object> tree;
        RecordingManifest manifest;
        try {
            tree = EvidenceJson.readTree(json);
            manifest = EvidenceJson.manifest(tree);
        } catch (JsonException e) {
            return Signed.failed(id, MANIFEST + ": not a valid manifest: " + e.getMessage());
        }
        if (manifest.recordingId() != null) id = manifest.recordingId();
        if (manifest.publicKey() == null || manifest.signature() == null) {
            return Signed.failed(id, MANIFEST + ": not signed (publicKey or signature missing)");
        }
        PublicKey signer;
        try {
            signer = ManifestSignature.publicKeyFromBase64(manifest.publicKey());
        } catch (IllegalArgumentException e) {
            return Signed.failed(id, MANIFEST + ": publicKey: " + e.getMessage());
        }
        String fingerprint = ManifestSignature.fingerprint(signer);
        if (expected.isPresent() && !expected.get().equals(signer)) {
            return Signed.failed(
                    id,
                    MANIFEST + ": signed by " + fingerprint + ", not by the expected key "
                            + ManifestSignature.fingerprint(expected.get()));
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(manifest.signature());
        } catch (IllegalArgumentException e) {
            return Signed.failed(id, MANIFEST + ": signature is not base64");
        }
        if (!ManifestSignature.verify(signer, EvidenceJson.canonicalWithoutSignature(tree), signature)) {
            return Signed.failed(id, signatureProblem(journal, tree, manifest.publicKey()));
        }
        return new Signed(id, tree, manifest, fingerprint, null);
    }

    /** Null if the journal describes exactly the manifest {@code tree}; otherwise the first field that differs. */
    private static String journalDiffers(Map<String, Object> tree, JournaledRecording recording, String publicKey) {
        Map<String, Object> fromJournal = EvidenceJson.tree(recording.manifest(publicKey));
        List<String> differing = EvidenceJson.differingFields(tree, fromJournal, NOT_FROM_JOURNAL);
        if (differing.isEmpty()) return null;
        return JOURNAL + " does not match " + MANIFEST + ": field '" + differing.getFirst() + "'";
    }

    /** The signature failed: name the field that differs from what the journal says, if the journal can tell. */
    private static String signatureProblem(JournalSource journal, Map<String, Object> tree, String publicKey) {
        try {
            JournalWalk.Outcome walk = journal.walk();
            if (walk.recording().opened() != null && walk.recording().closed() != null) {
                Map<String, Object> fromJournal =
                        EvidenceJson.tree(walk.recording().manifest(publicKey));
                List<String> differing = EvidenceJson.differingFields(tree, fromJournal, NOT_FROM_JOURNAL);
                if (!differing.isEmpty()) {
                    return MANIFEST + ": field '" + differing.getFirst() + "' does not match the signature";
                }
            }
        } catch (IOException | RuntimeException e) {
            // The journal cannot say which field changed; the plain verdict stands.
        }
        return MANIFEST + ": signature invalid";
    }

    private static String segmentOrder(List<RecordingManifest.Segment> segments) {
        long expectedFirst = 1;
        for (int i = 0; i < segments.size(); i++) {
            RecordingManifest.Segment s = segments.get(i);
            String name = RecordingLayout.segmentName(i + 1);
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
