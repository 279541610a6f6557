package org.openbwc.device.evidence;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openbwc.evidence.EndReason;
import org.openbwc.evidence.JournalEntry;
import org.openbwc.evidence.JournalReader;
import org.openbwc.evidence.JournalWalk;
import org.openbwc.evidence.JournaledRecording;
import org.openbwc.evidence.RecordingLayout;
import org.openbwc.evidence.RecordingManifest;
import org.openbwc.evidence.Sha256;
import org.tinylog.Logger;

/**
 * Seals, on boot, every recording the device did not close (power cut, crash): each {@code <root>/<id>/} without
 * {@code manifest.json}. Run it before the writer opens a new recording.
 *
 * <p>For each one the journal is walked ({@link JournalWalk}): every line before the first problem is checked
 * against the segment bytes. What a crash legitimately leaves behind is then cut, and nothing else:
 * <ul>
 *   <li>a torn last journal line (no newline, or garbage up to the end of the file);</li>
 *   <li>bytes in a segment file after its last journaled fragment (a fragment written but not journaled);</li>
 *   <li>journal lines at the tail of the last segment whose bytes never reached the disk (a storage stack that
 *       lied about fsync), and a last segment file holding only its init segment, or not named by the journal.</li>
 * </ul>
 * Cut bytes are not deleted: they move to {@code <file>.torn-at-<offset>} beside the file and are listed in the
 * manifest's {@code torn}. The last segment is then sealed, a {@code close} line with reason {@code recovered},
 * {@code endedAt} = the last fragment's wall clock, and the cut byte count is journaled, and the manifest is written
 * with {@code recovered: true}. A journal that contradicts itself (broken chain, missing fragment numbers, a bad hash
 * in an earlier segment) is not a crash but damage or tampering: that recording is left untouched and reported
 * unsealed. Running recovery again after it was itself interrupted finishes the job.
 */
public final class EvidenceRecovery {
    private static final Pattern TORN_FILE = Pattern.compile("(.+)\\.torn-at-(\\d+)");

    private final Path evidenceRoot;
    private final DeviceKey key;

    public EvidenceRecovery(Path evidenceRoot, DeviceKey key) {
        this.evidenceRoot = Objects.requireNonNull(evidenceRoot, "evidenceRoot");
        this.key = Objects.requireNonNull(key, "key");
    }

    /** Recovers every unsealed recording under the evidence root, oldest name first. */
    public List<RecoveredRecording> recoverAll() {
        List<RecoveredRecording> results = new ArrayList<>();
        if (!Files.isDirectory(evidenceRoot)) return results;
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(evidenceRoot, Files::isDirectory)) {
            stream.forEach(dirs::add);
        } catch (IOException e) {
            Logger.error(e, "cannot list the evidence directory {}", evidenceRoot);
            return results;
        }
        dirs.sort(null);
        for (Path dir : dirs) {
            if (Files.exists(dir.resolve(RecordingLayout.MANIFEST_FILE))) continue;
            try {
                results.add(recover(dir));
            } catch (IOException | RuntimeException e) {
                Logger.error(e, "recovery of {} failed; the directory is left as it is", dir);
                results.add(unsealed(dir, "recovery failed: " + e));
            }
        }
        return results;
    }

    /** Recovers one recording directory that has no manifest. */
    public RecoveredRecording recover(Path dir) throws IOException {
        return recover(dir, EndReason.RECOVERED);
    }

    /**
     * Recovers one recording directory that has no manifest, closing its journal with {@code reason}: {@link
     * EndReason#RECOVERED} on boot, or why the writer gave up on it while the unit runs (e.g. {@link
     * EndReason#STORAGE_FULL}). A journal already closed keeps its reason.
     */
    public RecoveredRecording recover(Path dir, EndReason reason) throws IOException {
        Objects.requireNonNull(reason, "reason");
        if (Files.exists(dir.resolve(RecordingLayout.MANIFEST_FILE))) {
            throw new IllegalStateException(dir + " is already sealed");
        }
        Path journalFile = dir.resolve(RecordingLayout.JOURNAL_FILE);
        if (!Files.exists(journalFile)) return unsealed(dir, RecordingLayout.JOURNAL_FILE + " missing");
        JournalWalk.Outcome walk = JournalWalk.run(dir);
        if (walk.recording().opened() == null) {
            return unsealed(
                    dir,
                    RecordingLayout.JOURNAL_FILE + " has no valid open entry"
                            + (walk.problem() != null ? " (" + walk.problem() + ")" : ""));
        }
        if (!walk.clean()) {
            String refusal = crashArtifact(dir, walk);
            if (refusal != null) return unsealed(dir, refusal);
        }
        if (walk.recording().closed() == null) {
            // A last segment holding nothing but its init segment is cut whole.
            List<JournaledRecording.SegmentState> segments = walk.recording().segments();
            if (!segments.isEmpty() && segments.getLast().fragments() == 0) {
                walk = JournalWalk.run(dir, walk.lastInitLineStart());
            }
            cutAndClose(dir, walk, reason);
            walk = JournalWalk.run(dir);
            if (!walk.clean() || walk.recording().closed() == null) {
                return unsealed(
                        dir, "after cutting the torn tail the journal still does not check out: " + walk.problem());
            }
        }
        JournaledRecording recording = walk.recording();
        RecordingManifest manifest = ManifestFile.writeSigned(dir, recording.manifest(key.publicKeyBase64()), key);
        String detail = "sealed: " + manifest.fragmentCount() + " fragments, " + manifest.durationSeconds() + " s kept"
                + (manifest.bytesTruncated() > 0 ? "; cut " + manifest.bytesTruncated() + " bytes of torn writes" : "");
        Logger.info(
                "{} recording {}: {}",
                reason == EndReason.RECOVERED ? "recovered" : "sealed (" + manifest.endReason() + ")",
                manifest.recordingId(),
                detail);
        return new RecoveredRecording(
                manifest.recordingId(),
                dir,
                true,
                manifest.endedAt(),
                manifest.durationMicros() / 1000,
                manifest.fragmentCount(),
                manifest.bytesTruncated(),
                detail);
    }

    /** Null if the walk stopped at something a crash leaves behind; otherwise why the recording is not sealed. */
    private static String crashArtifact(Path dir, JournalWalk.Outcome walk) throws IOException {
        JournalReader.Line bad = walk.problemLine();
        long journalSize = Files.size(dir.resolve(RecordingLayout.JOURNAL_FILE));
        switch (walk.stop()) {
            case BAD_LINE -> {
                return bad.end() == journalSize ? null : "not a crash artifact: " + walk.problem();
            }
            case DATA_SHORT, DATA_MISMATCH -> {
                // Only the tail of the segment being written can be missing after a crash.
                if (!(bad.entry() instanceof JournalEntry.MediaPiece piece))
                    return "not a crash artifact: " + walk.problem();
                String tailSegment = piece.segment();
                List<String> foreign = new ArrayList<>();
                JournalReader.read(dir.resolve(RecordingLayout.JOURNAL_FILE), line -> {
                    if (line.number() <= bad.number() || line.entry() == null) return true;
                    if (line.entry() instanceof JournalEntry.MediaPiece later
                                    && !later.segment().equals(tailSegment)
                            || line.entry() instanceof JournalEntry.SegmentSealed
                            || line.entry() instanceof JournalEntry.Closed) {
                        foreign.add("line " + line.number());
                        return false;
                    }
                    return true;
                });
                return foreign.isEmpty()
                        ? null
                        : "not a crash artifact: " + walk.problem() + ", yet the journal goes on";
            }
            default -> {
                return "the journal is damaged or altered: " + walk.problem();
            }
        }
    }

    private void cutAndClose(Path dir, JournalWalk.Outcome walk, EndReason reason) throws IOException {
        JournaledRecording recording = walk.recording();
        Set<String> listed = new HashSet<>();
        for (JournaledRecording.SegmentState s : recording.segments()) {
            listed.add(s.file());
            cutTail(dir, s.file(), s.end());
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                if (RecordingLayout.isSegmentName(name) && !listed.contains(name)) cutTail(dir, name, 0);
            }
        }
        cutTail(dir, RecordingLayout.JOURNAL_FILE, walk.goodBytes());

        List<RecordingManifest.TornTail> torn = tornTails(dir);
        long bytesTruncated = torn.stream()
                .filter(t -> !t.file().equals(RecordingLayout.JOURNAL_FILE))
                .mapToLong(RecordingManifest.TornTail::bytes)
                .sum();
        try (EvidenceJournal journal = EvidenceJournal.openForAppend(dir.resolve(RecordingLayout.JOURNAL_FILE))) {
            if (!recording.segments().isEmpty() && recording.currentSegment().sealed() == null) {
                String file = recording.currentSegment().file();
                journal.append(new JournalEntry.SegmentSealed(
                        file, Files.size(dir.resolve(file)), Sha256.ofFile(dir.resolve(file))));
            }
            journal.append(new JournalEntry.Closed(recording.lastWallClock(), reason.wireName(), bytesTruncated, torn));
            journal.sync();
        }
    }

    /** Moves the bytes of {@code file} from {@code keep} on into {@code <file>.torn-at-<keep>}, then truncates. */
    private static void cutTail(Path dir, String file, long keep) throws IOException {
        Path path = dir.resolve(file);
        if (!Files.exists(path)) return;
        long size = Files.size(path);
        if (size <= keep) return;
        Path kept = dir.resolve(file + ".torn-at-" + keep);
        if (keep == 0) {
            // Nothing of it is journaled: set the whole file aside under its torn name.
            Files.move(path, kept, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            ManifestFile.forceDirectory(dir);
        } else {
            // Copy the tail aside durably before truncating, so a crash in between loses nothing.
            Path tmp = dir.resolve(file + ".torn-at-" + keep + ".tmp");
            try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ);
                    FileChannel out = FileChannel.open(
                            tmp,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING)) {
                long position = keep;
                while (position < size) position += in.transferTo(position, size - position, out);
                out.force(true);
            }
            Files.move(tmp, kept, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            ManifestFile.forceDirectory(dir);
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                channel.truncate(keep);
                channel.force(true);
            }
        }
        Logger.info(
                "{}: moved {} bytes of a torn write from offset {} to {}", path, size - keep, keep, kept.getFileName());
    }

    /** Every tail cut so far, including by an earlier, interrupted run. */
    private static List<RecordingManifest.TornTail> tornTails(Path dir) throws IOException {
        List<RecordingManifest.TornTail> tails = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                Matcher m = TORN_FILE.matcher(p.getFileName().toString());
                if (m.matches()) {
                    tails.add(new RecordingManifest.TornTail(
                            m.group(1),
                            Long.parseLong(m.group(2)),
                            Files.size(p),
                            p.getFileName().toString()));
                }
            }
        }
        tails.sort((a, b) -> a.keptIn().compareTo(b.keptIn()));
        return tails;
    }

    private static RecoveredRecording unsealed(Path dir, String why) {
        Logger.warn("recording {} not recovered: {}", dir.getFileName(), why);
        return new RecoveredRecording(dir.getFileName().toString(), dir, false, null, 0, 0, 0, "not sealed: " + why);
    }
}
