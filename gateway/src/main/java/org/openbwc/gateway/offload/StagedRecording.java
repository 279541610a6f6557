package org.openbwc.gateway.offload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openbwc.evidence.EvidenceJson;
import org.openbwc.evidence.EvidenceVerifier;
import org.openbwc.evidence.JournalEntry;
import org.openbwc.evidence.JournalReader;
import org.openbwc.evidence.ManifestSignature;
import org.openbwc.evidence.RecordingLayout;
import org.openbwc.evidence.RecordingManifest;
import org.openbwc.evidence.VerificationResult;
import org.openbwc.json.JsonException;
import org.openbwc.pki.Fingerprints;
import org.openbwc.store.IndexedRecording;
import org.openbwc.store.Marker;
import org.openbwc.store.OffloadState;
import org.openbwc.store.Recording;
import org.openbwc.store.Segment;
import org.openbwc.store.TrackPoint;

/**
 * One recording being received: its staging folder, the length announced for each file, and what has been checked so
 * far. Not thread-safe: {@link OffloadReceiver} holds its lock around every call.
 */
final class StagedRecording {
    private final String unitId;
    private final String recordingId;
    private final Path dir;
    private final Path lengths;
    private final PublicKey pinned;

    private RecordingManifest manifest;
    // Per segment file: its media pieces in order of offset, and how far they have been checked.
    private Map<String, List<JournalEntry.MediaPiece>> pieces;
    private final Map<String, Integer> checkedPieces = new HashMap<>();

    StagedRecording(String unitId, String recordingId, Path dir, Path lengths, PublicKey pinned) {
        this.unitId = unitId;
        this.recordingId = recordingId;
        this.dir = dir;
        this.lengths = lengths;
        this.pinned = pinned;
    }

    String unitId() {
        return unitId;
    }

    String recordingId() {
        return recordingId;
    }

    Path dir() {
        return dir;
    }

    Path lengths() {
        return lengths;
    }

    long create(String file, long length) throws OffloadRefusedException {
        checkName(file);
        if (length < 0) throw new OffloadRefusedException(400, "Upload-Length must not be negative");
        try {
            loadChecked();
            checkLength(file, length);
            Path staged = dir.resolve(file);
            Long announced = announcedLength(file);
            if (announced != null) {
                if (announced != length) {
                    throw new OffloadRefusedException(
                            409, file + " is already being uploaded with length " + announced);
                }
                return Files.exists(staged) ? Files.size(staged) : 0;
            }
            Files.createDirectories(dir);
            Files.createDirectories(lengths);
            if (!Files.exists(staged)) Files.createFile(staged);
            Files.writeString(lengths.resolve(file), Long.toString(length));
            return Files.size(staged);
        } catch (IOException e) {
            throw new OffloadRefusedException(500, "staging " + recordingId + "/" + file + ": " + e.getMessage());
        }
    }

    /** Whether the manifest arrived and verified (the index then learns the recording is on its way). */
    boolean manifestAccepted() {
        return manifest != null;
    }

    long offset(String file) throws OffloadRefusedException {
        checkName(file);
        Path staged = dir.resolve(file);
        try {
            if (!Files.exists(lengths.resolve(file)) || !Files.exists(staged)) {
                throw new OffloadRefusedException(404, "no upload of " + recordingId + "/" + file);
            }
            return Files.size(staged);
        } catch (IOException e) {
            throw new OffloadRefusedException(500, "staging " + recordingId + "/" + file + ": " + e.getMessage());
        }
    }

    long length(String file) throws OffloadRefusedException {
        Long announced;
        try {
            announced = announcedLength(file);
        } catch (IOException | NumberFormatException e) {
            announced = null;
        }
        if (announced == null) throw new OffloadRefusedException(404, "no upload of " + recordingId + "/" + file);
        return announced;
    }

    /** The length the upload of {@code file} announced at its creation; null when it was never created. */
    private Long announcedLength(String file) throws IOException {
        Path lengthFile = lengths.resolve(file);
        if (!Files.exists(lengthFile)) return null;
        return Long.parseLong(Files.readString(lengthFile).strip());
    }

    long append(String file, long offset, InputStream body) throws OffloadRefusedException, IOException {
        long current = offset(file);
        if (offset != current) {
            throw new OffloadRefusedException(
                    409, file + ": part at offset " + offset + ", but " + current + " bytes are confirmed");
        }
        long length = length(file);
        loadChecked();
        long written = OffloadReceiver.writeDurably(dir.resolve(file), offset, body, length - offset);
        if (written == length - offset && runsOn(body)) {
            truncate(file, offset);
            throw new OffloadRefusedException(413, file + ": the part runs past its length " + length);
        }
        long end = offset + written;
        check(file, end, length);
        return Files.size(dir.resolve(file));
    }

    /** Whether a part has bytes beyond the upload's length (a link cut right there is not that). */
    private static boolean runsOn(InputStream body) {
        try {
            return body.read() >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Checks what arrived: a complete manifest or journal as a whole, a segment fragment by fragment. */
    private void check(String file, long end, long length) throws OffloadRefusedException, IOException {
        if (file.equals(RecordingLayout.MANIFEST_FILE)) {
            if (end == length) acceptManifest();
        } else if (file.equals(RecordingLayout.JOURNAL_FILE)) {
            if (end == length) acceptJournal();
        } else if (pieces.containsKey(file)) {
            checkPieces(file, end);
        }
        // Torn tails: the manifest lists their size, which the length enforces; nothing else can be checked.
    }

    private void acceptManifest() throws OffloadRefusedException, IOException {
        Path file = dir.resolve(RecordingLayout.MANIFEST_FILE);
        try {
            manifest = signedManifest(Files.readAllBytes(file));
        } catch (OffloadRefusedException e) {
            truncate(RecordingLayout.MANIFEST_FILE, 0);
            throw e;
        }
    }

    private RecordingManifest signedManifest(byte[] bytes) throws OffloadRefusedException {
        Map<String, Object> tree;
        RecordingManifest m;
        try {
            tree = EvidenceJson.readTree(bytes);
            m = EvidenceJson.manifest(tree);
        } catch (JsonException | IllegalArgumentException e) {
            throw new OffloadRefusedException(422, "manifest.json is not a valid manifest: " + e.getMessage());
        }
        if (!recordingId.equals(m.recordingId()) || !unitId.equals(m.unitId())) {
            throw new OffloadRefusedException(
                    422, "manifest.json is of recording " + m.recordingId() + " of " + m.unitId() + ", not this one");
        }
        VerificationResult signature = new EvidenceVerifier().checkManifest(bytes, Optional.of(pinned));
        if (!signature.ok()) {
            throw new OffloadRefusedException(
                    422,
                    "manifest.json is not signed by the evidence key pinned for " + unitId + " ("
                            + ManifestSignature.fingerprint(pinned) + "): " + signature.message());
        }
        return m;
    }

    private void acceptJournal() throws OffloadRefusedException, IOException {
        byte[] journal = Files.readAllBytes(dir.resolve(RecordingLayout.JOURNAL_FILE));
        VerificationResult result = new EvidenceVerifier()
                .checkJournal(
                        Files.readAllBytes(dir.resolve(RecordingLayout.MANIFEST_FILE)), journal, Optional.of(pinned));
        if (!result.ok()) {
            truncate(RecordingLayout.JOURNAL_FILE, 0);
            throw new OffloadRefusedException(422, result.message());
        }
        Map<String, List<JournalEntry.MediaPiece>> bySegment = new LinkedHashMap<>();
        for (JournalEntry.MediaPiece p : JournalReader.mediaPieces(journal)) {
            bySegment.computeIfAbsent(p.segment(), k -> new ArrayList<>()).add(p);
        }
        for (List<JournalEntry.MediaPiece> list : bySegment.values()) {
            list.sort(java.util.Comparator.comparingLong(JournalEntry.MediaPiece::offset));
        }
        pieces = bySegment;
        checkedPieces.clear();
    }

    /** After a restart: the manifest and journal already staged are checked again before anything builds on them. */
    private void loadChecked() throws OffloadRefusedException, IOException {
        if (manifest == null && complete(RecordingLayout.MANIFEST_FILE)) acceptManifest();
        if (pieces == null && manifest != null && complete(RecordingLayout.JOURNAL_FILE)) acceptJournal();
        if (pieces != null) {
            for (String segment : pieces.keySet()) {
                if (!checkedPieces.containsKey(segment) && Files.exists(dir.resolve(segment))) {
                    checkPieces(segment, Files.size(dir.resolve(segment)));
                }
            }
        }
    }

    private boolean complete(String file) throws IOException {
        Path staged = dir.resolve(file);
        Long announced = announcedLength(file);
        return announced != null && Files.exists(staged) && Files.size(staged) == announced;
    }

    /** Refuses {@code file} out of order or at a length other than the manifest lists (or over the limit). */
    private void checkLength(String file, long length) throws OffloadRefusedException {
        if (file.equals(RecordingLayout.MANIFEST_FILE)) {
            within(file, length, OffloadReceiver.MAX_MANIFEST_BYTES);
            return;
        }
        if (manifest == null) {
            throw new OffloadRefusedException(409, file + ": manifest.json must arrive, and verify, first");
        }
        if (file.equals(RecordingLayout.JOURNAL_FILE)) {
            within(file, length, OffloadReceiver.MAX_JOURNAL_BYTES);
            return;
        }
        if (pieces == null) {
            throw new OffloadRefusedException(409, file + ": journal.jsonl must arrive, and verify, before the media");
        }
        Long bytes = mediaFiles().get(file);
        if (bytes == null) throw new OffloadRefusedException(400, file + " is not a file of recording " + recordingId);
        if (length != bytes) {
            throw new OffloadRefusedException(
                    400, file + ": Upload-Length " + length + " is not the " + bytes + " bytes its manifest lists");
        }
    }

    private static void within(String file, long length, long max) throws OffloadRefusedException {
        if (length < 1 || length > max) {
            throw new OffloadRefusedException(413, file + ": Upload-Length " + length + " is not in 1.." + max);
        }
    }

    /** The segment files and torn tails the manifest lists, with their sizes. */
    private Map<String, Long> mediaFiles() {
        Map<String, Long> files = new LinkedHashMap<>();
        for (RecordingManifest.Segment seg : manifest.segments()) files.put(seg.file(), seg.bytes());
        for (RecordingManifest.TornTail t : manifest.torn()) {
            files.put(Path.of(t.keptIn()).getFileName().toString(), t.bytes());
        }
        return files;
    }

    private void checkPieces(String file, long end) throws OffloadRefusedException, IOException {
        List<JournalEntry.MediaPiece> list = pieces.get(file);
        int next = checkedPieces.getOrDefault(file, 0);
        try (FileChannel in = FileChannel.open(dir.resolve(file), StandardOpenOption.READ)) {
            while (next < list.size()) {
                JournalEntry.MediaPiece p = list.get(next);
                if (p.offset() + p.length() > end) break;
                ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(p.length()));
                while (buf.hasRemaining() && in.read(buf, p.offset() + buf.position()) > 0) {}
                if (!p.matches(buf.array())) {
                    truncate(file, p.offset());
                    checkedPieces.put(file, next);
                    throw new OffloadRefusedException(
                            460,
                            file + " at offset " + p.offset() + ": " + p.length()
                                    + " bytes do not match the journal's SHA-256; cut off there, resume from "
                                    + p.offset());
                }
                next++;
            }
        }
        checkedPieces.put(file, next);
    }

    private void truncate(String file, long to) throws IOException {
        try (FileChannel ch = FileChannel.open(dir.resolve(file), StandardOpenOption.WRITE)) {
            ch.truncate(to);
            ch.force(true);
        }
    }

    /** The whole recording, checked as {@code bwc evidence verify} checks it. */
    Verified verifyAll() throws OffloadRefusedException, IOException {
        loadChecked();
        if (manifest == null) throw new OffloadRefusedException(409, "manifest.json has not arrived");
        if (pieces == null) throw new OffloadRefusedException(409, "journal.jsonl has not arrived");
        List<String> missing = new ArrayList<>();
        for (String file : mediaFiles().keySet()) if (!complete(file)) missing.add(file);
        if (!missing.isEmpty()) {
            java.util.Collections.sort(missing);
            throw new OffloadRefusedException(409, "not all of " + recordingId + " has arrived: " + missing);
        }
        VerificationResult result = new EvidenceVerifier().verify(dir, Optional.of(pinned));
        if (!result.ok()) throw new OffloadRefusedException(422, result.message());
        return new Verified(manifest, result.message());
    }

    /** What the staged manifest says, as the index keeps a recording still being uploaded. */
    Recording reported() {
        return fromManifest(manifest, OffloadState.ON_UNIT, null, 0);
    }

    /** The index's row for a recording, as its signed manifest describes it. */
    static Recording fromManifest(RecordingManifest m, OffloadState state, Boolean verified, long bytes) {
        return new Recording(
                m.recordingId(),
                m.unitId(),
                m.officerId(),
                m.startedAt(),
                m.endedAt(),
                m.durationMicros(),
                m.endReason(),
                null,
                false,
                state,
                m.signature(),
                Fingerprints.evidenceKey(ManifestSignature.publicKeyFromBase64(m.publicKey())),
                verified,
                null,
                bytes);
    }

    private static void checkName(String file) throws OffloadRefusedException {
        if (file == null || !file.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}") || file.contains("..")) {
            throw new OffloadRefusedException(400, "'" + file + "' is not a file name of a recording");
        }
    }

    /** A staged recording that passed the full check. */
    record Verified(RecordingManifest manifest, String summary) {
        String chainHead() {
            return manifest.chainHead();
        }

        String checked() {
            return summary;
        }

        IndexedRecording indexed(long bytes) {
            RecordingManifest m = manifest;
            Recording r = fromManifest(m, OffloadState.STORED, true, bytes);
            List<Segment> segments = m.segments().stream()
                    .map(s -> new Segment(s.file(), s.bytes(), s.sha256()))
                    .toList();
            List<Marker> markers =
                    m.markers().stream().map(x -> new Marker(x.at(), x.label())).toList();
            List<TrackPoint> track = m.track().stream()
                    .map(p -> new TrackPoint(p.at(), p.lat(), p.lon(), p.accuracyMeters()))
                    .toList();
            return new IndexedRecording(r, segments, markers, track);
        }
    }
}
