package org.openbwc.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.config.RetentionConfig;
import org.openbwc.config.RetentionPeriod;
import org.openbwc.store.CustodyAction;
import org.openbwc.store.CustodyEntry;
import org.openbwc.store.DatabaseConfig;
import org.openbwc.store.EvidenceDatabase;
import org.openbwc.store.IndexedRecording;
import org.openbwc.store.OffloadState;
import org.openbwc.store.Recording;
import org.openbwc.store.RecordingCatalog;
import org.openbwc.store.objects.EvidenceObjects;
import org.openbwc.store.objects.FileEvidenceObjects;

/**
 * The retention sweep on a real index (embedded H2) and file store: what has run out goes, files first, with its
 * custody entry; nothing on hold, unstored, unverified or still within its period; a store that refuses keeps it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RetentionSweepTest {

    static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final RetentionPolicy POLICY = RetentionPolicy.of(RetentionConfig.defaults());

    @TempDir
    Path dir;

    EvidenceDatabase db;
    RecordingCatalog catalog;
    FileEvidenceObjects objects;

    @BeforeEach
    void open() throws IOException {
        db = EvidenceDatabase.open(DatabaseConfig.embedded(dir.resolve("gw")));
        catalog = db.catalog();
        objects = new FileEvidenceObjects(dir.resolve("gw/evidence"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    /** A recording of bwc-001 that ended {@code daysAgo} days before NOW, with its files in the store. */
    private void add(String id, String category, long daysAgo, OffloadState state, Boolean verified, boolean hold)
            throws IOException {
        Instant ended = NOW.minus(Duration.ofDays(daysAgo));
        catalog.add(new IndexedRecording(
                new Recording(
                        id,
                        "bwc-001",
                        "officer-1",
                        ended.minusSeconds(90),
                        ended,
                        90_000_000L,
                        "stopped",
                        category,
                        hold,
                        state,
                        null,
                        null,
                        verified,
                        null,
                        5),
                List.of(),
                List.of(),
                List.of()));
        Path files = Files.createDirectories(dir.resolve("upload").resolve(id));
        Files.writeString(files.resolve("seg-000001.mp4"), "media");
        Files.writeString(files.resolve("manifest.json"), "{}");
        objects.put("bwc-001", id, files);
    }

    private void stored(String id, String category, long daysAgo) throws IOException {
        add(id, category, daysAgo, OffloadState.STORED, true, false);
    }

    /** One of each kind the sweep must keep, and one expired no-event recording. */
    private void fleet() throws IOException {
        stored("expired", "no-event", 100);
        add("on-hold", "no-event", 100, OffloadState.STORED, true, true);
        add("uploading", "no-event", 100, OffloadState.UPLOADING, null, false);
        add("unverified", "no-event", 100, OffloadState.STORED, false, false);
        stored("recent", "no-event", 30);
        stored("homicide", "homicide", 9000);
        stored("uncategorized", null, 9000);
        stored("unconfigured", "parade", 9000);
    }

    private OffloadState state(String id) {
        return catalog.find(id).orElseThrow().recording().offloadState();
    }

    private boolean hasFiles(String id) throws IOException {
        return !objects.list("bwc-001", id).isEmpty();
    }

    @Test
    void deletesAnExpiredRecordingFilesFirstWithItsReasonInCustody() throws IOException {
        fleet();
        RetentionSweep sweep = new RetentionSweep(POLICY, catalog, objects, CLOCK);

        RetentionSweep.Result result = sweep.run(NOW);

        assertThat(result.deleted()).extracting(RetentionSweep.Due::recordingId).containsExactly("expired");
        assertThat(result.skipped()).isEmpty();
        assertThat(result.failed()).isEmpty();
        assertThat(result.summary()).isEqualTo("1 due, 1 deleted, 0 skipped, 0 failed");
        assertThat(hasFiles("expired")).isFalse();
        assertThat(state("expired")).isEqualTo(OffloadState.DELETED);
        CustodyEntry last = catalog.custody("expired").getLast();
        assertThat(last.action()).isEqualTo(CustodyAction.DELETED_BY_RETENTION);
        assertThat(last.actor()).isEqualTo(RecordingCatalog.RETENTION);
        assertThat(last.details())
                .isEqualTo("category no-event (kept 90d); ended 2026-08-29T03:00:00Z, 100 days before the sweep");
        assertThat(catalog.verifyCustody("expired").ok()).isTrue();
        for (String kept :
                List.of("on-hold", "uploading", "unverified", "recent", "homicide", "uncategorized", "unconfigured")) {
            assertThat(hasFiles(kept)).as(kept).isTrue();
            assertThat(state(kept)).as(kept).isNotEqualTo(OffloadState.DELETED);
            assertThat(catalog.custody(kept)).as(kept).isEmpty();
        }

        assertThat(sweep.run(NOW).due()).as("a second sweep finds nothing").isEmpty();
    }

    @Test
    void aDryRunPlansWithTheReasonAndChangesNothing() throws IOException {
        fleet();
        RetentionSweep sweep = new RetentionSweep(POLICY, catalog, objects, CLOCK);

        assertThat(sweep.plan(NOW))
                .extracting(
                        RetentionSweep.Due::recordingId,
                        RetentionSweep.Due::unitId,
                        RetentionSweep.Due::category,
                        RetentionSweep.Due::period,
                        RetentionSweep.Due::age)
                .containsExactly(
                        tuple("expired", "bwc-001", "no-event", RetentionPeriod.parse("90d"), Duration.ofDays(100)));
        assertThat(hasFiles("expired")).isTrue();
        assertThat(state("expired")).isEqualTo(OffloadState.STORED);
        assertThat(catalog.custody("expired")).isEmpty();
    }

    @Test
    void uncategorizedRecordingsGoOnlyWhenTheConfigSaysHowLong() throws IOException {
        stored("uncategorized", null, 200);
        stored("young", null, 100);
        RetentionPolicy policy = RetentionPolicy.of(RetentionConfig.defaults().withUncategorized("180d"));

        List<RetentionSweep.Due> due = new RetentionSweep(policy, catalog, objects, CLOCK).plan(NOW);

        assertThat(due).extracting(RetentionSweep.Due::recordingId).containsExactly("uncategorized");
        assertThat(due.getFirst().reason()).startsWith("no category (uncategorized kept 180d); ended ");
    }

    @Test
    void aStoreThatRefusesKeepsTheRecordingAndTheOthersStillGo() throws IOException {
        stored("locked", "no-event", 200);
        stored("expired", "no-event", 100);
        EvidenceObjects worm = new Refusing(objects, Set.of("locked"));

        RetentionSweep.Result result = new RetentionSweep(POLICY, catalog, worm, CLOCK).run(NOW);

        assertThat(result.deleted()).extracting(RetentionSweep.Due::recordingId).containsExactly("expired");
        assertThat(result.skipped())
                .extracting(p -> p.due().recordingId(), RetentionSweep.Problem::problem)
                .containsExactly(
                        tuple("locked", "the evidence store refused: locked until 2027-01-01T00:00:00Z (COMPLIANCE)"));
        assertThat(hasFiles("locked")).isTrue();
        assertThat(state("locked")).isEqualTo(OffloadState.STORED);
        assertThat(catalog.custody("locked")).isEmpty();
        assertThat(state("expired")).isEqualTo(OffloadState.DELETED);
    }

    @Test
    void aHoldSetDuringTheSweepWins() throws IOException {
        stored("first", "no-event", 200);
        stored("held-meanwhile", "no-event", 100);
        // An operator puts the second on hold while the sweep deletes the first.
        EvidenceObjects holdArrives = new Refusing(objects, Set.of()) {
            @Override
            public boolean delete(String unitId, String recordingId) throws IOException {
                if (recordingId.equals("first")) {
                    catalog.setLegalHold("held-meanwhile", true, "alice", "10.0.0.9", "case 2026-77");
                }
                return super.delete(unitId, recordingId);
            }
        };

        RetentionSweep.Result result = new RetentionSweep(POLICY, catalog, holdArrives, CLOCK).run(NOW);

        assertThat(result.due()).hasSize(2);
        assertThat(result.deleted()).extracting(RetentionSweep.Due::recordingId).containsExactly("first");
        assertThat(result.skipped())
                .extracting(p -> p.due().recordingId(), RetentionSweep.Problem::problem)
                .containsExactly(
                        tuple("held-meanwhile", "changed since the plan (legal hold, deleted or no longer stored)"));
        assertThat(hasFiles("held-meanwhile")).isTrue();
        assertThat(state("held-meanwhile")).isEqualTo(OffloadState.STORED);
    }

    @Test
    void theScheduledSweepRunsAtItsHour() throws Exception {
        stored("expired", "no-event", 100);
        // 50 ms before 03:00: the first sweep is due almost at once.
        Clock almostThree = Clock.fixed(NOW.minusMillis(50), ZoneOffset.UTC);
        RetentionSweep sweep = new RetentionSweep(POLICY, catalog, objects, almostThree);
        try (AutoCloseable schedule = sweep.scheduleDaily()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (state("expired") != OffloadState.DELETED && System.nanoTime() < deadline) Thread.sleep(20);
        }
        assertThat(state("expired")).isEqualTo(OffloadState.DELETED);
        assertThat(hasFiles("expired")).isFalse();
    }

    @Test
    void theNextSweepIsAtTheNextSweepHourUtc() {
        assertThat(RetentionSweep.untilNext(Instant.parse("2026-12-07T02:30:00Z"), 3))
                .isEqualTo(Duration.ofMinutes(30));
        assertThat(RetentionSweep.untilNext(Instant.parse("2026-12-07T03:00:00Z"), 3))
                .isEqualTo(Duration.ofDays(1));
        assertThat(RetentionSweep.untilNext(Instant.parse("2026-12-07T23:59:00Z"), 0))
                .isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void thePolicyKnowsItsCategories() {
        assertThat(POLICY.categories())
                .containsExactly("no-event", "traffic", "arrest", "use-of-force", "complaint", "homicide");
        assertThat(POLICY.isCategory("traffic")).isTrue();
        assertThat(POLICY.isCategory("parade")).isFalse();
        assertThat(POLICY.isCategory(null)).isFalse();
        assertThat(POLICY.periodOf("arrest")).contains(RetentionPeriod.parse("7y"));
        assertThat(POLICY.periodOf("homicide")).contains(RetentionPeriod.NEVER);
        assertThat(POLICY.periodOf(null)).contains(RetentionPeriod.NEVER);
        assertThat(POLICY.periodOf("parade")).isEmpty();
        assertThat(POLICY.sweepHour()).isEqualTo(3);
        POLICY.requireCategory(null);
        POLICY.requireCategory("traffic");
        assertThatThrownBy(() -> POLICY.requireCategory("parade"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown retention category parade (configured: no-event, traffic, arrest, use-of-force,"
                        + " complaint, homicide)");
    }

    /** A store under object lock: refuses to delete the named recordings, as S3 does before their retain-until date. */
    static class Refusing extends ForwardingObjects {
        private final Set<String> locked;

        Refusing(EvidenceObjects inner, Set<String> locked) {
            super(inner);
            this.locked = locked;
        }

        @Override
        public boolean delete(String unitId, String recordingId) throws IOException {
            if (locked.contains(recordingId)) {
                throw new IOException("locked until 2027-01-01T00:00:00Z (COMPLIANCE)");
            }
            return inner.delete(unitId, recordingId);
        }

        @Override
        public String describe() {
            return "worm:" + inner.describe();
        }
    }
}
