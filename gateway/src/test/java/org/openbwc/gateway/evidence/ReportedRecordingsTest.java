package org.openbwc.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.config.GatewayConfig;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitState;
import org.openbwc.store.CustodyAction;
import org.openbwc.store.EvidenceDatabase;
import org.openbwc.store.OffloadState;
import org.openbwc.store.Recording;

@Timeout(60)
class ReportedRecordingsTest {
    static final Instant T = Instant.parse("2026-12-07T01:00:00Z");

    @TempDir
    Path dataDir;

    @Test
    void aSealedRecordingIsIndexedOnceAsOnTheUnitWithTheUnitsReportInItsCustody() {
        GatewayConfig config = GatewayConfig.defaults("gw-1").withDataDir(dataDir.toString());
        try (EvidenceDatabase db = EvidenceDatabase.open(EvidenceIndex.databaseOf(config));
                ReportedRecordings reported = new ReportedRecordings(db.catalog(), Clock.systemUTC())) {
            UnitEvent sealed = event(
                    EventType.RECORDING_SEALED,
                    Map.of(
                            "recordingId", "bwc-001-20261207T005506Z",
                            "startedAt", "2026-12-07T00:55:06Z",
                            "endedAt", "2026-12-07T00:55:50Z",
                            "durationMillis", "43600",
                            "segments", "1",
                            "bytes", "13000000",
                            "reason", "battery-low",
                            "verified", "true"));
            reported.unitEvent(sealed);
            reported.unitEvent(sealed);
            reported.unitEvent(event(EventType.MARKER, Map.of("recordingId", "bwc-001-20261207T005506Z")));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> db.catalog().find("bwc-001-20261207T005506Z").isPresent());
            reported.close();

            Recording r =
                    db.catalog().find("bwc-001-20261207T005506Z").orElseThrow().recording();
            assertThat(r.unitId()).isEqualTo("bwc-001");
            assertThat(r.offloadState()).isEqualTo(OffloadState.ON_UNIT);
            assertThat(r.endReason()).isEqualTo("battery-low");
            assertThat(r.startedAt()).isEqualTo(Instant.parse("2026-12-07T00:55:06Z"));
            assertThat(r.durationMicros()).isEqualTo(43_600_000L);
            assertThat(r.bytes()).isEqualTo(13_000_000L);
            var custody = db.catalog().custody("bwc-001-20261207T005506Z");
            assertThat(custody).as("reported once, though the event came twice").hasSize(1);
            assertThat(custody.getFirst().action()).isEqualTo(CustodyAction.REPORTED);
            assertThat(custody.getFirst().actor()).isEqualTo("unit:bwc-001");
            assertThat(custody.getFirst().details()).contains("recording.sealed", "verified true");
            assertThat(db.catalog().verifyCustody("bwc-001-20261207T005506Z").ok())
                    .isTrue();
        }
    }

    @Test
    void aRecoveredRecordingStartsItsLengthBeforeItsReport() {
        UnitEvent recovered = event(
                EventType.RECORDING_RECOVERED,
                Map.of("recordingId", "r-1", "durationMillis", "6000", "sealed", "true"));
        Recording r = ReportedRecordings.recording(recovered);
        assertThat(r.startedAt()).isEqualTo(T.minusSeconds(6));
        assertThat(r.endReason()).isEqualTo("recovered");
        assertThat(r.bytes()).isZero();
    }

    @Test
    void theDatabaseSectionPicksPostgresqlAndTheEmbeddedOneOtherwise() {
        GatewayConfig config = GatewayConfig.defaults("gw-1").withDataDir(dataDir.toString());
        assertThat(EvidenceIndex.databaseOf(config).url()).startsWith("jdbc:h2:file:" + dataDir.toAbsolutePath());
        GatewayConfig pg = config.withDatabase(config.database()
                .withUrl("jdbc:postgresql://127.0.0.1:5432/test")
                .withUser("postgres"));
        assertThat(EvidenceIndex.databaseOf(pg).postgresql()).isTrue();
        assertThat(EvidenceIndex.databaseOf(pg).user()).isEqualTo("postgres");
    }

    private static UnitEvent event(EventType type, Map<String, String> details) {
        return new UnitEvent(1, "bwc-001", type, T, UnitState.BUFFERING, "evidence", details, 7, "boot-1");
    }
}
