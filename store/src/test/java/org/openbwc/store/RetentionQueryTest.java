package org.openbwc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link RecordingCatalog#expired}: only stored, verified recordings off legal hold whose category's cutoff has passed,
 * on H2 and PostgreSQL alike.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.Kind.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RetentionQueryTest {

    static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");
    static final Duration DAY = Duration.ofDays(1);

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
    }

    @AfterEach
    void close() throws SQLException {
        if (evidence != null) evidence.close();
        if (database != null) database.close();
    }

    /** A recording that ended {@code daysAgo} days before NOW. */
    private void add(String id, String category, long daysAgo, OffloadState state, Boolean verified, boolean hold) {
        Instant ended = NOW.minus(DAY.multipliedBy(daysAgo));
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
                        Boolean.FALSE.equals(verified) ? "hash mismatch" : null,
                        1000),
                List.of(),
                List.of(),
                List.of()));
    }

    private void stored(String id, String category, long daysAgo) {
        add(id, category, daysAgo, OffloadState.STORED, true, false);
    }

    private static Map<String, Instant> cutoffs(Object... categoryAndDays) {
        Map<String, Instant> out = new LinkedHashMap<>();
        for (int i = 0; i < categoryAndDays.length; i += 2) {
            out.put((String) categoryAndDays[i], NOW.minus(DAY.multipliedBy((Integer) categoryAndDays[i + 1])));
        }
        return out;
    }

    private List<String> expiredIds(Map<String, Instant> cutoffs, Instant uncategorized) {
        return catalog.expired(cutoffs, uncategorized, 100).stream()
                .map(Recording::id)
                .toList();
    }

    @Test
    void eachCategoryAgainstItsOwnCutoffOldestFirst() {
        stored("old-no-event", "no-event", 120);
        stored("older-no-event", "no-event", 200);
        stored("young-no-event", "no-event", 30);
        stored("old-traffic", "traffic", 120);
        stored("ancient-traffic", "traffic", 800);
        stored("homicide", "homicide", 5000);
        stored("unknown-category", "parade", 5000);

        assertThat(expiredIds(cutoffs("no-event", 90, "traffic", 730), null))
                .containsExactly("ancient-traffic", "older-no-event", "old-no-event");
    }

    @Test
    void neverOnHoldUnverifiedOrNotStored() {
        stored("expired", "no-event", 100);
        add("on-hold", "no-event", 100, OffloadState.STORED, true, true);
        add("unverified", "no-event", 100, OffloadState.STORED, null, false);
        add("failed-check", "no-event", 100, OffloadState.STORED, false, false);
        add("on-unit", "no-event", 100, OffloadState.ON_UNIT, null, false);
        add("uploading", "no-event", 100, OffloadState.UPLOADING, null, false);
        add("failed", "no-event", 100, OffloadState.FAILED, null, false);

        assertThat(expiredIds(cutoffs("no-event", 90), null)).containsExactly("expired");

        catalog.deleteByRetention("expired", "no-event kept 90d");
        assertThat(expiredIds(cutoffs("no-event", 90), null)).isEmpty();
    }

    @Test
    void uncategorizedOnlyWithACutoffOfItsOwn() {
        stored("plain", null, 400);
        stored("recent-plain", null, 10);
        stored("old-no-event", "no-event", 400);

        assertThat(expiredIds(cutoffs(), null)).isEmpty();
        assertThat(expiredIds(cutoffs(), NOW.minus(DAY.multipliedBy(180)))).containsExactly("plain");
        assertThat(expiredIds(cutoffs("no-event", 90), NOW.minus(DAY.multipliedBy(180))))
                .containsExactly("old-no-event", "plain");
    }

    @Test
    void theCutoffItselfIsNotYetExpiredAndTheLimitHolds() {
        stored("exactly", "no-event", 90);
        stored("a", "no-event", 300);
        stored("b", "no-event", 200);
        stored("c", "no-event", 100);

        assertThat(catalog.expired(cutoffs("no-event", 90), null, 2))
                .extracting(Recording::id)
                .containsExactly("a", "b");
        assertThat(expiredIds(cutoffs("no-event", 90), null)).containsExactly("a", "b", "c");
        assertThatThrownBy(() -> catalog.expired(Map.of(), null, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void filesAreDeletedUnderTheRowLockAndARefusalMarksNothing() throws Exception {
        stored("locked", "no-event", 100);
        stored("held", "no-event", 100);
        catalog.setLegalHold("held", true, "alice", null, "case 7");
        stored("expired", "no-event", 100);

        assertThatThrownBy(() -> catalog.deleteByRetention("locked", "no-event kept 90d", () -> {
                    throw new IOException("object lock until 2027-01-01");
                }))
                .isInstanceOf(IOException.class)
                .hasMessage("object lock until 2027-01-01");
        assertThat(catalog.find("locked").orElseThrow().recording().offloadState())
                .isEqualTo(OffloadState.STORED);
        assertThat(catalog.custody("locked")).isEmpty();

        AtomicBoolean ran = new AtomicBoolean();
        assertThatThrownBy(() -> catalog.deleteByRetention("held", "no-event kept 90d", () -> ran.set(true)))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessage("recording held is on legal hold: retention may not delete it");
        assertThat(ran).isFalse();

        // A hold asked for while the files go waits for the deletion to commit, then lands after it.
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            AtomicReference<Future<CustodyEntry>> hold = new AtomicReference<>();
            catalog.deleteByRetention("expired", "no-event kept 90d", () -> {
                hold.set(other.submit(() -> catalog.setLegalHold("expired", true, "alice", null, "case 8")));
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                assertThat(hold.get().isDone())
                        .as("the hold waits for the row lock")
                        .isFalse();
            });
            hold.get().get(20, TimeUnit.SECONDS);
        } finally {
            other.shutdownNow();
        }
        assertThat(catalog.custody("expired"))
                .extracting(CustodyEntry::action)
                .containsExactly(CustodyAction.DELETED_BY_RETENTION, CustodyAction.HOLD_SET);
    }
}
