package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.config.GatewayConfig;
import org.openbwc.gateway.evidence.EvidenceIndex;
import org.openbwc.launcher.BwcCliTest.Run;
import org.openbwc.store.CustodyAction;
import org.openbwc.store.EvidenceDatabase;
import org.openbwc.store.IndexedRecording;
import org.openbwc.store.OffloadState;
import org.openbwc.store.Recording;
import org.openbwc.store.objects.EvidenceObjects;

/** {@code bwc gateway retention}: the dry run lists what is due and changes nothing; the real one deletes it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RetentionCommandTest {

    @TempDir
    Path dir;

    private Path config;
    private GatewayConfig gw;

    /** A gateway config over a data dir holding an expired no-event recording, a recent one and one on hold. */
    private void setUp() throws IOException {
        config = dir.resolve("gateway.yaml");
        Files.writeString(config, "gatewayId: gw-1\ndataDir: " + dir.resolve("gw-data") + "\n");
        gw = Configs.loadGateway(config);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (EvidenceDatabase db = EvidenceDatabase.open(EvidenceIndex.databaseOf(gw));
                EvidenceObjects objects = EvidenceIndex.objectsOf(gw)) {
            add(db, objects, "r-expired", "no-event", now.minus(Duration.ofDays(120)), false);
            add(db, objects, "r-recent", "no-event", now.minus(Duration.ofDays(10)), false);
            add(db, objects, "r-held", "traffic", now.minus(Duration.ofDays(1000)), true);
        }
    }

    private void add(
            EvidenceDatabase db, EvidenceObjects objects, String id, String category, Instant ended, boolean hold)
            throws IOException {
        db.catalog()
                .add(new IndexedRecording(
                        new Recording(
                                id,
                                "bwc-001",
                                "officer-1",
                                ended.minusSeconds(60),
                                ended,
                                60_000_000L,
                                "stopped",
                                category,
                                hold,
                                OffloadState.STORED,
                                null,
                                null,
                                true,
                                null,
                                5),
                        List.of(),
                        List.of(),
                        List.of()));
        Path files = Files.createDirectories(dir.resolve("upload").resolve(id));
        Files.writeString(files.resolve("seg-000001.mp4"), "media");
        objects.put("bwc-001", id, files);
    }

    private OffloadState state(String id) {
        try (EvidenceDatabase db = EvidenceDatabase.open(EvidenceIndex.databaseOf(gw))) {
            return db.catalog().find(id).orElseThrow().recording().offloadState();
        }
    }

    @Test
    void aDryRunPrintsThePlanAndDeletesNothing() throws IOException {
        setUp();

        Run r = BwcCliTest.bwc("gateway", "retention", "--config", config.toString(), "--dry-run");

        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("Retention at ").contains("no-event=90d", "uncategorized never", "file:");
        assertThat(lines.get(1)).startsWith("RECORDING").contains("UNIT", "CATEGORY", "PERIOD", "ENDED", "AGE");
        assertThat(lines.get(2)).startsWith("r-expired").contains("bwc-001", "no-event", "90d", "120 days");
        assertThat(lines.get(3)).isEqualTo("1 recording due for deletion; dry run, nothing deleted.");
        assertThat(state("r-expired")).isEqualTo(OffloadState.STORED);
        assertThat(Files.exists(gw.evidenceDir().resolve("bwc-001/r-expired/seg-000001.mp4")))
                .isTrue();
        // Kept for whoever documents the command: the output as a technician sees it.
        Files.writeString(Path.of("target", "retention-dry-run.txt"), r.out());
    }

    @Test
    void withoutDryRunItDeletesWhatIsDue() throws IOException {
        setUp();

        Run r = BwcCliTest.bwc("gateway", "retention", "--config", config.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("r-expired").doesNotContain("r-recent", "r-held");
        assertThat(r.out().lines().toList().getLast()).isEqualTo("1 due, 1 deleted, 0 skipped, 0 failed.");
        assertThat(state("r-expired")).isEqualTo(OffloadState.DELETED);
        assertThat(state("r-recent")).isEqualTo(OffloadState.STORED);
        assertThat(state("r-held")).isEqualTo(OffloadState.STORED);
        assertThat(Files.exists(gw.evidenceDir().resolve("bwc-001/r-expired"))).isFalse();
        assertThat(Files.exists(gw.evidenceDir().resolve("bwc-001/r-held/seg-000001.mp4")))
                .isTrue();
        try (EvidenceDatabase db = EvidenceDatabase.open(EvidenceIndex.databaseOf(gw))) {
            assertThat(db.catalog().custody("r-expired").getLast().action())
                    .isEqualTo(CustodyAction.DELETED_BY_RETENTION);
        }
    }

    @Test
    void aBadConfigExitsTwoAndHelpSaysWhatItDoes() throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "gatewayId: gw-1\nretention:\n  categories: no-event=90 days\n");
        Run r = BwcCliTest.bwc("gateway", "retention", "--config", bad.toString(), "--dry-run");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("bad.yaml:3 retention.categories:", "for no-event, which is not a period");

        Run help = BwcCliTest.bwc("gateway", "retention", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage:", "--dry-run", "--config", "legal hold");
    }
}
