package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openbwc.launcher.BwcCliTest.bwc;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.evidence.SyntheticRecording;
import org.openbwc.launcher.BwcCliTest.Run;
import org.openbwc.store.CustodyAction;
import org.openbwc.store.CustodyChain;
import org.openbwc.store.CustodyEntry;

/**
 * {@code bwc evidence verify EXPORT.zip}: the monitoring room's export checked offline, the recording as any recording
 * and its custody log link by link; a changed custody entry, a changed segment and a ZIP reaching out of its folder
 * are each refused.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExportVerifyTest {
    @TempDir
    Path dir;

    final SyntheticRecording rec = SyntheticRecording.make("unit-7-rec", SyntheticRecording.newKey(), 1, 10);

    String custody(String lastActor) {
        StringBuilder json = new StringBuilder("{\"recordingId\":\"" + rec.id + "\",\"entries\":[");
        String prev = CustodyChain.GENESIS;
        CustodyAction[] actions = {CustodyAction.OFFLOADED, CustodyAction.VERIFIED, CustodyAction.EXPORTED};
        for (int i = 0; i < actions.length; i++) {
            Instant at = Instant.parse("2026-12-07T10:00:00Z").plusSeconds(i);
            CustodyEntry e = new CustodyEntry(rec.id, i + 1, at, "sam", "10.0.0.7", actions[i], null, prev, null);
            String hash = CustodyChain.hash(e, prev);
            String actor = i == actions.length - 1 ? lastActor : "sam";
            if (i > 0) json.append(',');
            json.append(String.format(
                    "{\"seq\":%d,\"at\":\"%s\",\"actor\":\"%s\",\"address\":\"10.0.0.7\",\"action\":\"%s\","
                            + "\"details\":null,\"prevHash\":\"%s\",\"hash\":\"%s\"}",
                    i + 1, at, actor, actions[i].wireName(), prev, hash));
            prev = hash;
        }
        return json.append("]}").toString();
    }

    Path zip(String name, Map<String, byte[]> files) throws IOException {
        Path zip = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(zip);
                ZipOutputStream z = new ZipOutputStream(out)) {
            for (var f : files.entrySet()) {
                z.putNextEntry(new ZipEntry(f.getKey()));
                z.write(f.getValue());
                z.closeEntry();
            }
        }
        return zip;
    }

    Map<String, byte[]> export(String lastActor) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(rec.id + "/manifest.json", rec.manifest);
        files.put(rec.id + "/journal.jsonl", rec.journal);
        rec.segments.forEach((n, b) -> files.put(rec.id + "/" + n, b));
        files.put(rec.id + "/custody.json", custody(lastActor).getBytes(StandardCharsets.UTF_8));
        return files;
    }

    @Test
    void anIntactExportPassesWithItsCustodySummarized() throws IOException {
        Run r = bwc("evidence", "verify", zip("ok.zip", export("sam")).toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains(rec.id + " OK", "Custody: 3 entries, chain intact, last exported by sam");
    }

    @Test
    void aChangedCustodyEntryIsNamed() throws IOException {
        Run r = bwc("evidence", "verify", zip("custody.zip", export("mallory")).toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("entry 3 (exported) was changed after it was written");
    }

    @Test
    void aChangedSegmentFailsBeforeTheCustodyIsRead() throws IOException {
        Map<String, byte[]> files = export("sam");
        byte[] seg = files.get(rec.id + "/seg-000001.mp4").clone();
        seg[seg.length / 2] ^= 1;
        files.put(rec.id + "/seg-000001.mp4", seg);
        Run r = bwc("evidence", "verify", zip("seg.zip", files).toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("seg-000001.mp4");
    }

    @Test
    void anEntryOutsideTheRecordingFolderIsRefused() throws IOException {
        Map<String, byte[]> files = export("sam");
        files.put("../escape.txt", new byte[] {1});
        Run r = bwc("evidence", "verify", zip("evil.zip", files).toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("is not <recording>/<file>");
        assertThat(dir.getParent().resolve("escape.txt")).doesNotExist();
    }
}
