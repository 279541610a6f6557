package org.openbwc.launcher;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.openbwc.evidence.JournalEntry;
import org.openbwc.evidence.JournalReader;
import org.openbwc.evidence.RecordingLayout;
import org.openbwc.evidence.Sha256;
import org.openbwc.json.JsonReader;
import org.openbwc.store.CustodyAction;
import org.openbwc.store.CustodyChain;
import org.openbwc.store.CustodyEntry;

/**
 * An export ZIP from the monitoring room, read offline: unpacked safely (one recording folder, no path leaving it,
 * bounded sizes) so the verifier can check the recording, and its custody log checked link by link.
 */
final class ExportedEvidence {
    static final String CUSTODY = "custody.json";
    /** Where an export holds the media decrypted (the gateway's {@code EvidenceRoutes.EXPORT_DECRYPTED}). */
    static final String DECRYPTED = "decrypted";
    /** An hour of 1080p is a few GB; this only stops a ZIP bomb. */
    static final long MAX_BYTES = 64L << 30;

    private ExportedEvidence() {}

    /** Unpacks {@code zip} into {@code into}; returns the recording folder it held. */
    static Path unpack(Path zip, Path into) throws IOException {
        Path root = null;
        long total = 0;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                String[] parts = e.getName().split("/");
                if (e.isDirectory()) continue;
                boolean decrypted = parts.length == 3 && parts[1].equals(DECRYPTED) && safe(parts[2]);
                if (!decrypted && (parts.length != 2 || !safe(parts[0]) || !safe(parts[1]))) {
                    throw new IOException(zip + ": entry '" + e.getName()
                            + "' is not <recording>/<file> or <recording>/" + DECRYPTED + "/<segment>");
                }
                if (!safe(parts[0])) throw new IOException(zip + ": entry '" + e.getName() + "' names no recording");
                Path folder = into.resolve(parts[0]);
                if (root == null) root = Files.createDirectories(folder);
                else if (!root.equals(folder)) throw new IOException(zip + " holds more than one recording");
                Path to = decrypted
                        ? Files.createDirectories(folder.resolve(DECRYPTED)).resolve(parts[2])
                        : folder.resolve(parts[1]);
                total += copy(in, to, MAX_BYTES - total);
            }
        }
        if (root == null) throw new IOException(zip + " holds no recording");
        return root;
    }

    private static boolean safe(String name) {
        return name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}") && !name.contains("..");
    }

    private static long copy(InputStream in, Path to, long max) throws IOException {
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (var out = Files.newOutputStream(to)) {
            for (int r; (r = in.read(buf)) > 0; ) {
                n += r;
                if (n > max) throw new IOException("the export is larger than " + MAX_BYTES + " bytes");
                out.write(buf, 0, r);
            }
        }
        return n;
    }

    /**
     * Checks the decrypted media an export holds against the plaintext hashes the unit journaled for each piece (which
     * the verified chain covers), with no key: a decrypted copy is then provably the recorded media. Returns a one-line
     * summary, or null when the export holds no decrypted media; throws naming the first piece that differs.
     */
    static String checkDecrypted(Path folder) throws IOException {
        Path dir = folder.resolve(DECRYPTED);
        if (!Files.isDirectory(dir)) return null;
        List<JournalEntry.MediaPiece> pieces =
                JournalReader.mediaPieces(Files.readAllBytes(folder.resolve(RecordingLayout.JOURNAL_FILE)));
        List<Path> files;
        try (var list = Files.list(dir)) {
            files = list.sorted().toList();
        }
        long bytes = 0;
        for (Path file : files) {
            String segment = file.getFileName().toString();
            long offset = 0;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                for (JournalEntry.MediaPiece p : pieces) {
                    if (!p.segment().equals(segment)) continue;
                    if (!p.encrypted())
                        throw new IOException(DECRYPTED + "/" + segment + ": the recording's journal has no plaintext"
                                + " hashes (it was not encrypted)");
                    byte[] plain = in.readNBytes(Math.toIntExact(p.plainLength()));
                    if (plain.length != p.plainLength() || !Sha256.hex(plain).equals(p.plainSha256())) {
                        throw new IOException(DECRYPTED + "/" + segment + " at byte " + offset
                                + ": not the media the unit recorded (plainSha256 of the piece at " + p.offset()
                                + " differs)");
                    }
                    offset += plain.length;
                }
                if (offset == 0) throw new IOException(DECRYPTED + "/" + segment + ": the journal has no such segment");
                if (in.read() >= 0) throw new IOException(DECRYPTED + "/" + segment + ": bytes after the last piece");
            }
            bytes += offset;
        }
        return "Decrypted media: " + files.size() + (files.size() == 1 ? " segment" : " segments") + ", " + bytes
                + " bytes, every piece matches the plaintext hash the unit signed";
    }

    /**
     * Checks the exported custody log: every entry's hash recomputed, each linked to the one before from the genesis,
     * numbered without gaps, all of this recording. Returns a one-line summary, or throws naming the first bad entry.
     */
    static String checkCustody(Path folder, String recordingId) throws IOException {
        Path file = folder.resolve(CUSTODY);
        if (!Files.exists(file)) throw new IOException(CUSTODY + " missing from the export");
        Object tree = JsonReader.parse(Files.readString(file, StandardCharsets.UTF_8));
        if (!(tree instanceof Map<?, ?> m) || !(m.get("entries") instanceof List<?> list)) {
            throw new IOException(CUSTODY + " is not a custody log");
        }
        String prev = CustodyChain.GENESIS;
        List<CustodyEntry> entries = new ArrayList<>();
        long seq = 1;
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> e)) throw new IOException(CUSTODY + ": entry " + seq + " is not an object");
            CustodyEntry entry = new CustodyEntry(
                    recordingId,
                    ((Number) e.get("seq")).longValue(),
                    Instant.parse((String) e.get("at")),
                    (String) e.get("actor"),
                    (String) e.get("address"),
                    CustodyAction.fromWire((String) e.get("action")),
                    (String) e.get("details"),
                    (String) e.get("prevHash"),
                    (String) e.get("hash"));
            if (entry.seq() != seq) throw new IOException(CUSTODY + ": entry " + seq + " is numbered " + entry.seq());
            if (!prev.equals(entry.prevHash())) {
                throw new IOException(CUSTODY + ": entry " + seq + " does not link to the entry before it");
            }
            if (!CustodyChain.hash(entry, prev).equals(entry.hash())) {
                throw new IOException(CUSTODY + ": entry " + seq + " ("
                        + entry.action().wireName() + ") was changed after it was written: its hash does not match");
            }
            prev = entry.hash();
            entries.add(entry);
            seq++;
        }
        return "Custody: " + entries.size() + " entries, chain intact"
                + (entries.isEmpty()
                        ? ""
                        : ", last " + entries.getLast().action().wireName() + " by "
                                + entries.getLast().actor() + " at "
                                + entries.getLast().at());
    }
}
