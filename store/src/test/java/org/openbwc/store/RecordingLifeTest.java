package org.openbwc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A recording's life in the index (offload, verification, category, legal hold, retention): each change comes with
 * its custody entry, and a refused change leaves neither; on H2 and PostgreSQL alike.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.Kind.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RecordingLifeTest {

    static final Instant T0 = RecordingCatalogTest.T0;

    @Parameter
    TestDatabase.Kind kind;

    @TempDir
    Path tempDir;

    TestDatabase database;
    EvidenceDatabase evidence;
    RecordingCatalog catalog;

    @BeforeEach
    void open() {
        database = TestDatabase.create(kind, tempDir);
        evidence = EvidenceDatabase.open(database.config());
        catalog = evidence.catalog();
        catalog.add(onUnit("r-1"));
    }

    @AfterEach
    void close() throws SQLException {
        if (evidence != null) evidence.close();
        if (database != null) database.close();
    }

    @Test
    void anOffloadThatFailsOnceThenArrivesLogsEveryStep() {
        catalog.markOffload("r-1", OffloadState.UPLOADING, "bwc-001", "10.0.0.7");
        catalog.markOffload("r-1", OffloadState.FAILED, "bwc-001", "10.0.0.7");
        catalog.markOffload("r-1", OffloadState.UPLOADING, "bwc-001", "10.0.0.8");
        CustodyEntry stored = catalog.markOffload("r-1", OffloadState.STORED, "bwc-001", "10.0.0.8");

        assertThat(state("r-1")).isEqualTo(OffloadState.STORED);
        assertThat(catalog.custody("r-1"))
                .extracting(CustodyEntry::seq, CustodyEntry::action, CustodyEntry::details, CustodyEntry::address)
                .containsExactly(
                        tuple(1L, CustodyAction.UPLOAD_STARTED, "on-unit -> uploading", "10.0.0.7"),
                        tuple(2L, CustodyAction.OFFLOAD_FAILED, "uploading -> failed", "10.0.0.7"),
                        tuple(3L, CustodyAction.UPLOAD_STARTED, "failed -> uploading", "10.0.0.8"),
                        tuple(4L, CustodyAction.OFFLOADED, "uploading -> stored", "10.0.0.8"));
        assertThat(catalog.custody("r-1").get(3)).isEqualTo(stored);
        assertThat(catalog.verifyCustody("r-1").ok()).isTrue();
    }

    @Test
    void aVerifiedOffloadTakesTheManifestsDetailsAndLogsWhatWasChecked() {
        catalog.markOffload("r-1", OffloadState.UPLOADING, "bwc-001", "10.0.0.7");
        Recording fromManifest = new Recording(
                "r-1",
                "bwc-001",
                "officer-9",
                T0.minusSeconds(30),
                T0.plusSeconds(95),
                125_000_000L,
                "stopped",
                null,
                false,
                OffloadState.STORED,
                "c2ln",
                "ed25519:ab",
                true,
                null,
                4096);
        IndexedRecording stored = new IndexedRecording(
                fromManifest,
                List.of(new Segment("seg-000001.mp4", 4096, "a".repeat(64))),
                List.of(new Marker(T0.plusSeconds(3), "marker")),
                List.of(new TrackPoint(T0, 59.9, 10.7, 5.0), new TrackPoint(T0.plusSeconds(1), 59.91, 10.71, null)));

        catalog.recordOffload(stored, "chain head abc; 1 segment", "unit:bwc-001", "10.0.0.7");

        IndexedRecording found = catalog.find("r-1").orElseThrow();
        assertThat(found.recording()).isEqualTo(fromManifest);
        assertThat(found.segments()).isEqualTo(stored.segments());
        assertThat(found.track()).hasSize(2);
        assertThat(catalog.custody("r-1"))
                .extracting(CustodyEntry::action, CustodyEntry::details)
                .containsExactly(
                        tuple(CustodyAction.UPLOAD_STARTED, "on-unit -> uploading"),
                        tuple(CustodyAction.OFFLOADED, "uploading -> stored; chain head abc; 1 segment"),
                        tuple(CustodyAction.VERIFIED, null));
        assertThat(catalog.verifyCustody("r-1").ok()).isTrue();
        assertThatThrownBy(() -> catalog.recordOffload(stored, "again", "unit:bwc-001", null))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessage("recording r-1 is already stored");
        assertThat(catalog.custody("r-1")).hasSize(3);
    }

    @Test
    void anOffloadOfARecordingNeverReportedAddsIt() {
        Recording fromManifest = new Recording(
                "r-2",
                "bwc-002",
                null,
                T0,
                T0.plusSeconds(5),
                5_000_000L,
                "recovered",
                null,
                false,
                OffloadState.STORED,
                "c2ln",
                "ed25519:ab",
                true,
                null,
                100);
        catalog.recordOffload(
                new IndexedRecording(fromManifest, List.of(), List.of(), List.of()), "checked", "unit:bwc-002", null);
        assertThat(catalog.find("r-2").orElseThrow().recording()).isEqualTo(fromManifest);
        assertThat(catalog.custody("r-2"))
                .extracting(CustodyEntry::action)
                .containsExactly(CustodyAction.OFFLOADED, CustodyAction.VERIFIED);
    }

    @Test
    void aMoveOutOfOrderIsRefusedAndLeavesNoCustodyEntry() {
        assertThatThrownBy(() -> catalog.markOffload("r-1", OffloadState.STORED, "bwc-001", null))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessage("recording r-1 is on-unit: it cannot become stored");
        catalog.markOffload("r-1", OffloadState.UPLOADING, "bwc-001", null);
        catalog.markOffload("r-1", OffloadState.STORED, "bwc-001", null);
        assertThatThrownBy(() -> catalog.markOffload("r-1", OffloadState.UPLOADING, "bwc-001", null))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessage("recording r-1 is stored: it cannot become uploading");
        assertThatThrownBy(() -> catalog.markOffload("r-1", OffloadState.ON_UNIT, "bwc-001", null))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessage("recording r-1 is stored: it cannot become on-unit");
        assertThatThrownBy(() -> catalog.markOffload("r-1", OffloadState.DELETED, "alice", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("recording r-1: only retention deletes (deleteByRetention)");

        assertThat(state("r-1")).isEqualTo(OffloadState.STORED);
        assertThat(catalog.custody("r-1")).extracting(CustodyEntry::seq).containsExactly(1L, 2L);
    }

    @Test
    void aChangeWhoseCustodyEntryFailsIsUndoneWithIt() {
        // the row is updated before the entry is made: the entry's refusal (no actor) must take the update back too
        assertThatThrownBy(() -> catalog.setCategory("r-1", "arrest", " ", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a custody entry needs an actor");
        assertThatThrownBy(() -> catalog.markOffload("r-1", OffloadState.UPLOADING, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a custody entry needs an actor");

        assertThat(catalog.find("r-1").orElseThrow().recording())
                .extracting(Recording::category, Recording::offloadState)
                .containsExactly(null, OffloadState.ON_UNIT);
        assertThat(catalog.custody("r-1")).isEmpty();
    }

    @Test
    void aChangeToARecordingNotInTheIndexIsRefused() {
        assertThatThrownBy(() -> catalog.markOffload("r-ghost", OffloadState.UPLOADING, "bwc-001", null))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessage("no recording r-ghost in the index: offload uploading refused");
        assertThatThrownBy(() -> catalog.setCategory("r-ghost", "arrest", "alice", null))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessage("no recording r-ghost in the index: category change refused");
    }

    @Test
    void aVerificationIsKeptOnTheRecordingAndInItsLog() {
        stored("r-1");

        catalog.recordVerification("r-1", false, "segment 2 hash differs", "store");
        assertThat(catalog.find("r-1").orElseThrow().recording())
                .extracting(Recording::verified, Recording::verificationProblem)
                .containsExactly(false, "segment 2 hash differs");
        catalog.recordVerification("r-1", true, null, "store");

        assertThat(catalog.find("r-1").orElseThrow().recording())
                .extracting(Recording::verified, Recording::verificationProblem)
                .containsExactly(true, null);
        assertThat(catalog.custody("r-1"))
                .extracting(CustodyEntry::action, CustodyEntry::actor, CustodyEntry::details)
                .endsWith(
                        tuple(CustodyAction.VERIFICATION_FAILED, "store", "segment 2 hash differs"),
                        tuple(CustodyAction.VERIFIED, "store", null));
    }

    @Test
    void aVerificationOfWhatIsNotStoredOrWithoutItsProblemIsRefused() {
        assertThatThrownBy(() -> catalog.recordVerification("r-1", true, null, "store"))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessage("recording r-1 is on-unit: only a stored recording can be verified");
        assertThatThrownBy(() -> catalog.recordVerification("r-1", false, " ", "store"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a failed verification of recording r-1 needs its problem");
        assertThatThrownBy(() -> catalog.recordVerification("r-1", true, "but", "store"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("recording r-1 verified, yet with a problem: but");

        assertThat(catalog.find("r-1").orElseThrow().recording().verified()).isNull();
        assertThat(catalog.custody("r-1")).isEmpty();
    }

    @Test
    void aCategoryChangeSaysFromWhatToWhat() {
        catalog.setCategory("r-1", "traffic", "alice", "192.0.2.1");
        catalog.setCategory("r-1", "arrest", "bob", "192.0.2.2");

        assertThat(catalog.find("r-1").orElseThrow().recording().category()).isEqualTo("arrest");
        assertThat(catalog.custody("r-1"))
                .extracting(CustodyEntry::action, CustodyEntry::actor, CustodyEntry::address, CustodyEntry::details)
                .containsExactly(
                        tuple(CustodyAction.CATEGORY_CHANGED, "alice", "192.0.2.1", "(none) -> traffic"),
                        tuple(CustodyAction.CATEGORY_CHANGED, "bob", "192.0.2.2", "traffic -> arrest"));
        assertThatThrownBy(() -> catalog.setCategory("r-1", "arrest", "carol", null))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessage("recording r-1 already has category arrest");
        assertThat(catalog.custody("r-1")).hasSize(2);
    }

    @Test
    void aLegalHoldIsSetAndLiftedWithItsReasonAndKeepsRetentionAway() {
        stored("r-1");
        catalog.setLegalHold("r-1", true, "alice", "192.0.2.1", "case 2026-117");

        assertThatThrownBy(() -> catalog.deleteByRetention("r-1", "traffic: 90 days"))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessage("recording r-1 is on legal hold: retention may not delete it");
        assertThatThrownBy(() -> catalog.setLegalHold("r-1", true, "bob", null, "again"))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessage("recording r-1 is already on legal hold");
        assertThat(catalog.find("r-1").orElseThrow().recording().legalHold()).isTrue();

        catalog.setLegalHold("r-1", false, "alice", "192.0.2.1", "case 2026-117 closed");

        assertThat(catalog.find("r-1").orElseThrow().recording().legalHold()).isFalse();
        assertThat(catalog.custody("r-1"))
                .extracting(CustodyEntry::action, CustodyEntry::details)
                .endsWith(
                        tuple(CustodyAction.HOLD_SET, "case 2026-117"),
                        tuple(CustodyAction.HOLD_CLEARED, "case 2026-117 closed"));
        assertThat(catalog.custody("r-1")).hasSize(4); // uploading, stored, set, cleared
        assertThatThrownBy(() -> catalog.setLegalHold("r-1", true, "bob", null, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a legal hold on recording r-1 needs a reason to be set");
    }

    @Test
    void retentionDeletesOnlyAStoredRecordingAndSignsAsRetention() {
        assertThatThrownBy(() -> catalog.deleteByRetention("r-1", "traffic: 90 days"))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessage("recording r-1 is on-unit: retention deletes only stored recordings");
        stored("r-1");

        CustodyEntry deleted = catalog.deleteByRetention("r-1", "traffic: 90 days");

        assertThat(state("r-1")).isEqualTo(OffloadState.DELETED);
        assertThat(deleted)
                .extracting(CustodyEntry::seq, CustodyEntry::actor, CustodyEntry::address, CustodyEntry::action)
                .containsExactly(3L, RecordingCatalog.RETENTION, null, CustodyAction.DELETED_BY_RETENTION);
        assertThatThrownBy(() -> catalog.markOffload("r-1", OffloadState.UPLOADING, "bwc-001", null))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessage("recording r-1 is deleted: it cannot become uploading");
        assertThat(catalog.verifyCustody("r-1").entries()).isEqualTo(3);
    }

    @Test
    void changesFromManyThreadsAtOnceEachGetTheirEntryInOneChain() throws Exception {
        stored("r-1");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 5; i++) {
                        catalog.setCategory("r-1", "c-" + thread + "-" + i, "operator-" + thread, null);
                        catalog.appendCustody("r-1", T0, "operator-" + thread, null, CustodyAction.VIEWED, null);
                    }
                }));
            }
            for (var f : done) f.get();
        } finally {
            pool.shutdownNow();
        }

        assertThat(catalog.verifyCustody("r-1")).satisfies(v -> {
            assertThat(v.ok()).as(v.problem()).isTrue();
            assertThat(v.entries()).isEqualTo(2 + 40);
        });
        // every category change names the one before it: none was lost between two threads
        List<String> details = catalog.custody("r-1").stream()
                .filter(e -> e.action() == CustodyAction.CATEGORY_CHANGED)
                .map(CustodyEntry::details)
                .toList();
        for (int i = 1; i < details.size(); i++) {
            assertThat(details.get(i))
                    .startsWith(details.get(i - 1).substring(details.get(i - 1).indexOf("-> ") + 3));
        }
    }

    private void stored(String id) {
        catalog.markOffload(id, OffloadState.UPLOADING, "bwc-001", "10.0.0.7");
        catalog.markOffload(id, OffloadState.STORED, "bwc-001", "10.0.0.7");
    }

    private OffloadState state(String id) {
        return catalog.find(id).orElseThrow().recording().offloadState();
    }

    static IndexedRecording onUnit(String id) {
        return new IndexedRecording(
                new Recording(
                        id,
                        "bwc-001",
                        "officer-1",
                        T0,
                        T0.plusSeconds(90),
                        90_000_000L,
                        "stopped",
                        null,
                        false,
                        OffloadState.ON_UNIT,
                        null,
                        null,
                        null,
                        null,
                        0),
                List.of(),
                List.of(),
                List.of());
    }
}
