package org.openbwc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
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

/** The catalog's contract, on the embedded H2 and on PostgreSQL alike. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.Kind.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RecordingCatalogTest {

    // A place in Oslo, and one 100 km north of it.
    static final double LAT = 59.9139;
    static final double LON = 10.7522;
    static final double LAT_100_KM_NORTH = LAT + 100_000 / 111_195.0;
    static final Instant T0 = Instant.parse("2026-12-06T10:00:00.123456Z");

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

    @Test
    void migratesAnEmptyDatabaseOnceAndReopensWithItsRows() throws SQLException {
        assertThat(appliedMigrations()).containsExactly("1", "2", "3", "4", "5");
        catalog.add(recording("r-1", "bwc-001", T0, List.of(new TrackPoint(T0, LAT, LON, 4.0))));

        evidence.close();
        evidence = EvidenceDatabase.open(database.config());

        assertThat(appliedMigrations()).containsExactly("1", "2", "3", "4", "5");
        assertThat(evidence.catalog().find("r-1")).isPresent();
    }

    @Test
    void aMigrationThatNoLongerMatchesItsHistoryFailsTheOpenNamingTheDatabase() throws SQLException {
        try (Connection c = evidence.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE flyway_schema_history SET checksum = 42")) {
            s.executeUpdate();
        }
        evidence.close();

        assertThatThrownBy(() -> evidence = EvidenceDatabase.open(database.config()))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessageStartingWith("migrating the evidence database at "
                        + database.config().url() + " failed")
                .hasMessageContaining("checksum");
        evidence = null;
    }

    @Test
    void keepsEveryFieldOfARecordingItsSegmentsMarkersAndTrack() {
        IndexedRecording full = new IndexedRecording(
                new Recording(
                        "r-full",
                        "bwc-001",
                        "officer-7",
                        T0,
                        T0.plusSeconds(90),
                        90_000_000L,
                        "stopped",
                        "arrest",
                        true,
                        OffloadState.STORED,
                        "c2lnbmF0dXJl",
                        "5E:1B:00",
                        false,
                        "segment 2 hash differs",
                        123_456_789L),
                List.of(
                        new Segment("seg-000.mp4", 1000, "a".repeat(64)),
                        new Segment("seg-001.mp4", 2000, "b".repeat(64))),
                List.of(new Marker(T0.plusSeconds(5), "suspect"), new Marker(T0.plusSeconds(6), null)),
                List.of(new TrackPoint(T0, LAT, LON, 3.5), new TrackPoint(T0.plusSeconds(1), LAT + 0.0001, LON, null)));

        catalog.add(full);

        assertThat(catalog.find("r-full")).contains(full);
        assertThat(catalog.find("r-none")).isEmpty();
    }

    @Test
    void aRecordingWithNothingKnownYetRoundTripsItsNulls() {
        IndexedRecording bare = new IndexedRecording(
                new Recording(
                        "r-bare",
                        "bwc-002",
                        null,
                        T0,
                        null,
                        null,
                        null,
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

        catalog.add(bare);

        assertThat(catalog.find("r-bare")).contains(bare);
    }

    @Test
    void nearFindsWhatPassedWithinTheRadiusAndTheWindowOnly() {
        // within: a track that starts 2 km away and passes 300 m from the place
        catalog.add(recording(
                "r-near",
                "bwc-001",
                T0,
                List.of(
                        new TrackPoint(T0, LAT + 0.018, LON, null),
                        new TrackPoint(T0.plusSeconds(60), LAT + 300 / 111_195.0, LON, null))));
        // the same time, 100 km away
        catalog.add(recording(
                "r-far", "bwc-002", T0, List.of(new TrackPoint(T0.plusSeconds(60), LAT_100_KM_NORTH, LON, null))));
        // inside the 1 km search's bounding box but outside its circle: 750 m north and 750 m east is 1061 m away
        double north750 = 750 / 111_195.0;
        double east750 = 750 / (111_195.0 * Math.cos(Math.toRadians(LAT)));
        catalog.add(recording(
                "r-corner",
                "bwc-003",
                T0,
                List.of(new TrackPoint(T0.plusSeconds(60), LAT + north750, LON + east750, null))));
        // the very place, a day before
        catalog.add(recording(
                "r-yesterday",
                "bwc-004",
                T0.minus(Duration.ofDays(1)),
                List.of(new TrackPoint(T0.minus(Duration.ofDays(1)), LAT, LON, null))));

        List<Recording> found = catalog.near(LAT, LON, 1000, T0.minusSeconds(3600), T0.plusSeconds(3600));

        assertThat(found).extracting(Recording::id).containsExactly("r-near");
        assertThat(catalog.near(LAT_100_KM_NORTH, LON, 1000, T0, T0.plusSeconds(3600)))
                .extracting(Recording::id)
                .containsExactly("r-far");
        assertThat(catalog.near(LAT, LON, 1100, T0, T0.plusSeconds(3600)))
                .extracting(Recording::id)
                .containsExactly("r-corner", "r-near"); // same start: by id
        assertThat(catalog.near(LAT, LON, 1000, T0.minus(Duration.ofDays(2)), T0.minusSeconds(3600)))
                .extracting(Recording::id)
                .containsExactly("r-yesterday");
    }

    @Test
    void nearReadsEveryCellTheCircleTouchesAndWideAreasFromTheWindow() {
        // a place on a cell corner (row and column boundaries of TrackCells), points a few meters either side of it
        double lat = 59.99, lon = 10.0;
        catalog.add(recording("r-sw", "bwc-001", T0, List.of(new TrackPoint(T0, lat - 0.0001, lon - 0.0001, null))));
        catalog.add(recording("r-ne", "bwc-002", T0, List.of(new TrackPoint(T0, lat + 0.0001, lon + 0.0001, null))));
        catalog.add(recording(
                "r-300-km", "bwc-003", T0, List.of(new TrackPoint(T0, lat + 300_000 / 111_195.0, lon, null))));

        assertThat(catalog.near(lat, lon, 50, T0.minusSeconds(60), T0.plusSeconds(60)))
                .extracting(Recording::id)
                .containsExactly("r-ne", "r-sw");
        // 400 km: far more cells than near reads one by one, so the window and the box alone
        assertThat(catalog.near(lat, lon, 400_000, T0.minusSeconds(60), T0.plusSeconds(60)))
                .extracting(Recording::id)
                .containsExactly("r-300-km", "r-ne", "r-sw");
    }

    @Test
    void writesTheCellV4ComputesForOlderRows() throws SQLException {
        java.util.SplittableRandom r = new java.util.SplittableRandom(4);
        List<TrackPoint> track = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) {
            // anywhere, and on the cells' edges (multiples of 0.01 and 0.02 degree), where rounding would show
            double lat = i % 2 == 0 ? -90 + r.nextDouble() * 180 : (r.nextInt(17_999) - 8_999) / 100.0;
            double lon = i % 2 == 0 ? -180 + r.nextDouble() * 360 : (r.nextInt(17_999) - 8_999) / 50.0;
            track.add(new TrackPoint(T0.plusSeconds(i), lat, lon, null));
        }
        catalog.add(recording("r-everywhere", "bwc-001", T0, track));

        try (Connection c = evidence.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("SELECT COUNT(*), SUM(CASE WHEN cell = CAST(FLOOR(lat * 100)"
                        + " AS BIGINT) * 100000 + CAST(FLOOR((lon + 180) * 50) AS BIGINT) THEN 1 ELSE 0 END)"
                        + " FROM track_points");
                var rs = s.executeQuery()) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(500);
            assertThat(rs.getLong(2)).isEqualTo(500);
        }
    }

    @Test
    void listsAUnitsRecordingsThatOverlapTheWindowOldestFirst() {
        catalog.add(recording("r-2", "bwc-001", T0.plusSeconds(3600), List.of()));
        catalog.add(recording("r-1", "bwc-001", T0, List.of()));
        catalog.add(recording("r-old", "bwc-001", T0.minus(Duration.ofDays(3)), List.of()));
        catalog.add(recording("r-other", "bwc-009", T0, List.of()));

        // r-1 runs T0..T0+90 s: a window starting inside it still lists it
        assertThat(catalog.byUnit("bwc-001", T0.plusSeconds(30), T0.plusSeconds(7200)))
                .extracting(Recording::id)
                .containsExactly("r-1", "r-2");
    }

    @Test
    void custodyEntriesComeBackInTheOrderTheyWereAppended() {
        catalog.add(recording("r-1", "bwc-001", T0, List.of()));

        catalog.appendCustody("r-1", T0.plusSeconds(100), "bwc-001", "10.0.0.7", CustodyAction.OFFLOADED, "3 segments");
        catalog.appendCustody("r-1", T0.plusSeconds(200), "alice", "192.0.2.1", CustodyAction.VIEWED, null);
        CustodyEntry third =
                catalog.appendCustody("r-1", T0.plusSeconds(150), "bob", "192.0.2.2", CustodyAction.EXPORTED, "zip");

        assertThat(third.seq()).isEqualTo(3);
        assertThat(catalog.custody("r-1"))
                .extracting(CustodyEntry::seq, CustodyEntry::actor, CustodyEntry::action)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1L, "bwc-001", CustodyAction.OFFLOADED),
                        org.assertj.core.groups.Tuple.tuple(2L, "alice", CustodyAction.VIEWED),
                        org.assertj.core.groups.Tuple.tuple(3L, "bob", CustodyAction.EXPORTED));
        assertThat(catalog.custody("r-1").get(2)).isEqualTo(third);
    }

    @Test
    void custodyAppendedFromManyThreadsAtOnceHasNoGapsOrTwins() throws Exception {
        catalog.add(recording("r-1", "bwc-001", T0, List.of()));
        int threads = 4;
        int each = 10;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String actor = "operator-" + t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        catalog.appendCustody("r-1", T0, actor, null, CustodyAction.VIEWED, null);
                    }
                }));
            }
            for (var f : done) f.get();
        } finally {
            pool.shutdownNow();
        }

        assertThat(catalog.custody("r-1"))
                .extracting(CustodyEntry::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, threads * each)
                        .boxed()
                        .toList());
    }

    @Test
    void custodyForARecordingNotInTheIndexIsRefused() {
        assertThatThrownBy(() -> catalog.appendCustody("r-ghost", T0, "alice", null, CustodyAction.VIEWED, null))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessage("no recording r-ghost in the index: custody entry viewed refused");
    }

    @Test
    void aSecondRecordingWithTheSameIdIsRefused() {
        catalog.add(recording("r-1", "bwc-001", T0, List.of()));

        assertThatThrownBy(() -> catalog.add(recording("r-1", "bwc-002", T0, List.of())))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessage("recording r-1 is already in the index");
        assertThat(catalog.find("r-1").orElseThrow().recording().unitId()).isEqualTo("bwc-001");
    }

    @Test
    void aRefusedSegmentLeavesNothingOfTheRecordingBehind() {
        IndexedRecording twice = new IndexedRecording(
                recording("r-1", "bwc-001", T0, List.of()).recording(),
                List.of(new Segment("seg-000.mp4", 1, "a".repeat(64)), new Segment("seg-000.mp4", 2, "b".repeat(64))),
                List.of(),
                List.of());

        assertThatThrownBy(() -> catalog.add(twice))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessageStartingWith("adding recording r-1 refused by the evidence index:");
        assertThat(catalog.find("r-1")).isEmpty();
    }

    @Test
    void theSchemaRefusesASegmentOfAnUnknownRecording() throws SQLException {
        try (Connection c = evidence.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(
                        "INSERT INTO segments (recording_id, ordinal, name, bytes, sha256) VALUES (?, 0, 'x', 1, ?)")) {
            s.setString(1, "r-ghost");
            s.setString(2, "a".repeat(64));
            assertThatThrownBy(s::executeUpdate)
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("23"));
        }
    }

    @Test
    void theSchemaRefusesAnUnknownOffloadState() throws SQLException {
        try (Connection c = evidence.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("INSERT INTO recordings (id, unit_id, started_at,"
                        + " offload_state) VALUES ('r-x', 'bwc-001', CURRENT_TIMESTAMP, 'lost')")) {
            assertThatThrownBy(s::executeUpdate)
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("23"));
        }
    }

    private List<String> appliedMigrations() throws SQLException {
        try (Connection c = evidence.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL"
                                + " ORDER BY installed_rank");
                var rs = s.executeQuery()) {
            List<String> versions = new java.util.ArrayList<>();
            while (rs.next()) versions.add(rs.getString(1));
            return versions;
        }
    }

    @Test
    void searchFiltersByUnitOfficerCategoryWindowAndPlaceNewestFirst() {
        catalog.add(recording("r-1", "bwc-001", T0, List.of(new TrackPoint(T0.plusSeconds(10), LAT, LON, 4.0))));
        catalog.add(recording("r-2", "bwc-001", T0.plusSeconds(3600), List.of()));
        catalog.add(recording(
                "r-3",
                "bwc-002",
                T0.plusSeconds(60),
                List.of(new TrackPoint(T0.plusSeconds(70), LAT_100_KM_NORTH, LON, 4.0))));
        catalog.setCategory("r-2", "arrest", "sgt", null);
        Instant from = T0.minusSeconds(60);
        Instant to = T0.plusSeconds(7200);

        assertThat(catalog.search(new RecordingQuery(null, null, null, from, to, null, null, null, 100)))
                .extracting(Recording::id)
                .containsExactly("r-2", "r-3", "r-1");
        assertThat(catalog.search(new RecordingQuery("bwc-001", "officer-1", null, from, to, null, null, null, 100)))
                .extracting(Recording::id)
                .containsExactly("r-2", "r-1");
        assertThat(catalog.search(new RecordingQuery(null, null, "arrest", from, to, null, null, null, 100)))
                .extracting(Recording::id)
                .containsExactly("r-2");
        assertThat(catalog.search(new RecordingQuery(null, "nobody", null, from, to, null, null, null, 100)))
                .isEmpty();
        assertThat(catalog.search(new RecordingQuery(null, null, null, from, to, LAT, LON, 500.0, 100)))
                .extracting(Recording::id)
                .containsExactly("r-1");
        assertThat(catalog.search(new RecordingQuery(null, null, null, from, to, LAT_100_KM_NORTH, LON, 500.0, 100)))
                .extracting(Recording::id)
                .containsExactly("r-3");
        assertThat(catalog.search(new RecordingQuery(null, null, null, from, to, null, null, null, 1)))
                .extracting(Recording::id)
                .containsExactly("r-2");
    }

    static IndexedRecording recording(String id, String unitId, Instant startedAt, List<TrackPoint> track) {
        return new IndexedRecording(
                new Recording(
                        id,
                        unitId,
                        "officer-1",
                        startedAt,
                        startedAt.plusSeconds(90),
                        90_000_000L,
                        "stopped",
                        null,
                        false,
                        OffloadState.STORED,
                        null,
                        null,
                        null,
                        null,
                        1000),
                List.of(new Segment("seg-000.mp4", 1000, "0".repeat(64))),
                List.of(),
                track);
    }
}
