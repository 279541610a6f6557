package org.openbwc.evidence;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.openbwc.evidence.encryption.AgencyPublicKey;
import org.openbwc.evidence.encryption.PieceCipher;

/**
 * A sealed recording made without the unit's writer: segments of made-up bytes, the journal that describes them, and
 * the manifest folded from that journal and signed with a key of the test's own, exactly as the unit seals one.
 */
public final class SyntheticRecording {
    /** The unit every synthetic recording names. */
    public static final String UNIT = "unit-7";

    public static final Instant STARTED = Instant.parse("2025-03-01T10:00:00Z");

    public final String id;
    public final KeyPair key;
    public final Map<String, byte[]> segments = new LinkedHashMap<>();
    /** The segments' plaintext (init + fragments); the same bytes as {@link #segments} unless encrypted. */
    public final Map<String, byte[]> plain = new LinkedHashMap<>();

    public final byte[] journal;
    public final byte[] manifest;
    public final RecordingManifest sealed;

    private SyntheticRecording(
            String id,
            KeyPair key,
            byte[] journal,
            byte[] manifest,
            RecordingManifest sealed,
            Map<String, byte[]> s,
            Map<String, byte[]> p) {
        this.id = id;
        this.key = key;
        this.journal = journal;
        this.manifest = manifest;
        this.sealed = sealed;
        segments.putAll(s);
        plain.putAll(p);
    }

    public static KeyPair newKey() {
        try {
            return KeyPairGenerator.getInstance(ManifestSignature.ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code segmentCount} segments of {@code fragmentsPerSegment} fragments each, a marker, a GNSS fix. */
    public static SyntheticRecording make(String id, KeyPair key, int segmentCount, int fragmentsPerSegment) {
        return make(id, key, segmentCount, fragmentsPerSegment, id.hashCode());
    }

    /** As {@link #make(String, KeyPair, int, int)}, with media bytes drawn from {@code seed}. */
    public static SyntheticRecording make(
            String id, KeyPair key, int segmentCount, int fragmentsPerSegment, long seed) {
        return make(id, UNIT, key, segmentCount, fragmentsPerSegment, 500, seed);
    }

    /**
     * As {@link #make(String, KeyPair, int, int, long)}, of {@code unitId}, with fragments of {@code fragmentBytes} to
     * twice that (offload tests and the offload benchmark need megabytes in fragments of a real unit's size).
     */
    public static SyntheticRecording make(
            String id,
            String unitId,
            KeyPair key,
            int segmentCount,
            int fragmentsPerSegment,
            int fragmentBytes,
            long seed) {
        return make(id, unitId, key, segmentCount, fragmentsPerSegment, fragmentBytes, seed, null);
    }

    /**
     * As {@link #make(String, KeyPair, int, int)}, encrypted to {@code agency} as the unit encrypts: a fresh data key
     * wrapped in the open line, every piece sealed where it lies. {@link #plain} keeps the plaintext segments.
     */
    public static SyntheticRecording makeEncrypted(
            String id, KeyPair key, AgencyPublicKey agency, int segmentCount, int fragmentsPerSegment) {
        return make(id, UNIT, key, segmentCount, fragmentsPerSegment, 500, id.hashCode(), agency);
    }

    /** As {@link #make(String, String, KeyPair, int, int, int, long)}, encrypted to {@code agency} if not null. */
    public static SyntheticRecording make(
            String id,
            String unitId,
            KeyPair key,
            int segmentCount,
            int fragmentsPerSegment,
            int fragmentBytes,
            long seed,
            AgencyPublicKey agency) {
        Random random = new Random(seed);
        List<JournalEntry> lines = new ArrayList<>();
        Map<String, byte[]> files = new LinkedHashMap<>();
        Map<String, byte[]> plainFiles = new LinkedHashMap<>();
        byte[] dataKey = agency == null ? null : PieceCipher.newKey();
        PieceCipher cipher = agency == null ? null : new PieceCipher(dataKey);
        lines.add(new JournalEntry.Opened(
                id,
                unitId,
                "officer-42",
                "button",
                STARTED,
                "gnss",
                true,
                3L,
                "test-1.0",
                agency == null ? null : agency.wrap(dataKey, id)));
        String chain = Sha256.chainStart(id);
        long seq = 1;
        long media = 0;
        for (int s = 1; s <= segmentCount; s++) {
            String name = RecordingLayout.segmentName(s);
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            ByteArrayOutputStream plainFile = new ByteArrayOutputStream();
            byte[] plainInit = bytes(random, 300);
            plainFile.writeBytes(plainInit);
            byte[] init = cipher == null ? plainInit : cipher.seal(plainInit, PieceCipher.aad(id, name, 0));
            file.writeBytes(init);
            String initPlainSha = cipher == null ? null : Sha256.hex(plainInit);
            chain = Sha256.chainNext(chain, Sha256.hex(init), initPlainSha);
            lines.add(new JournalEntry.InitWritten(
                    name,
                    0,
                    init.length,
                    Sha256.hex(init),
                    chain,
                    at(media),
                    initPlainSha,
                    cipher == null ? null : (long) plainInit.length));
            for (int f = 0; f < fragmentsPerSegment; f++) {
                byte[] plainFragment = bytes(random, fragmentBytes + random.nextInt(fragmentBytes));
                plainFile.writeBytes(plainFragment);
                long offset = file.size();
                byte[] fragment =
                        cipher == null ? plainFragment : cipher.seal(plainFragment, PieceCipher.aad(id, name, offset));
                file.writeBytes(fragment);
                String sha = Sha256.hex(fragment);
                String plainSha = cipher == null ? null : Sha256.hex(plainFragment);
                chain = Sha256.chainNext(chain, sha, plainSha);
                lines.add(new JournalEntry.FragmentWritten(
                        name,
                        offset,
                        fragment.length,
                        sha,
                        chain,
                        seq,
                        seq + 100,
                        f == 0,
                        seq <= 2,
                        media,
                        200_000,
                        at(media),
                        null,
                        plainSha,
                        cipher == null ? null : (long) plainFragment.length));
                seq++;
                media += 200_000;
            }
            byte[] whole = file.toByteArray();
            lines.add(new JournalEntry.SegmentSealed(name, whole.length, Sha256.hex(whole)));
            files.put(name, whole);
            plainFiles.put(name, plainFile.toByteArray());
            if (s == 1) {
                lines.add(new JournalEntry.MarkerAdded(at(media), "door opened"));
                lines.add(new JournalEntry.LocationAdded(at(media), 52.52, 13.40, 4.0));
            }
        }
        lines.add(new JournalEntry.Closed(at(media), EndReason.STOPPED.wireName(), 0, List.of()));

        ByteArrayOutputStream journal = new ByteArrayOutputStream();
        JournaledRecording fold = new JournaledRecording();
        for (JournalEntry line : lines) {
            journal.writeBytes(EvidenceJson.journalLine(line));
            fold.apply(line);
        }
        String publicKey = Base64.getEncoder().encodeToString(key.getPublic().getEncoded());
        RecordingManifest sealed = sign(fold.manifest(publicKey), key);
        return new SyntheticRecording(
                id, key, journal.toByteArray(), EvidenceJson.manifestFile(sealed), sealed, files, plainFiles);
    }

    /** Signs as the unit does: the canonical bytes of the manifest as a verifier parses it back. */
    public static RecordingManifest sign(RecordingManifest unsigned, KeyPair key) {
        byte[] canonical = EvidenceJson.canonicalWithoutSignature(
                EvidenceJson.readTree(EvidenceJson.manifestFile(unsigned.withSignature(null))));
        try {
            Signature signer = Signature.getInstance(ManifestSignature.ALGORITHM);
            signer.initSign(key.getPrivate());
            signer.update(canonical);
            return unsigned.withSignature(Base64.getEncoder().encodeToString(signer.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the recording folder {@code <root>/<id>/}. */
    public Path writeTo(Path root) throws IOException {
        Path dir = Files.createDirectories(root.resolve(id));
        for (Map.Entry<String, byte[]> s : segments.entrySet()) Files.write(dir.resolve(s.getKey()), s.getValue());
        Files.write(dir.resolve(RecordingLayout.JOURNAL_FILE), journal);
        Files.write(dir.resolve(RecordingLayout.MANIFEST_FILE), manifest);
        return dir;
    }

    private static Instant at(long mediaMicros) {
        return STARTED.plusNanos(mediaMicros * 1000);
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
