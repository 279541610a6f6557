package org.openbwc.launcher;

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
                if (parts.length != 2 || !safe(parts[0]) || !safe(parts[1])) {
                    throw new IOException(zip + ": entry '" + e.getName() + "' is not <recording>/<file>");
                }
                Path folder = into.resolve(parts[0]);
                if (root == null) root = Files.createDirectories(folder);
                else if (!root.equals(folder)) throw new IOException(zip + " holds more than one recording");
                total += copy(in, folder.resolve(parts[1]), MAX_BYTES - total);
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
