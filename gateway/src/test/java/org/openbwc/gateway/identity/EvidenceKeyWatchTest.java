package org.openbwc.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.gateway.alerts.Alert;
import org.openbwc.gateway.alerts.AlertBoard;
import org.openbwc.gateway.fleet.FleetFeed;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.identity.TestEnrolment.UnitKeys;
import org.openbwc.pki.AgencyCa;
import org.openbwc.pki.Fingerprints;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;
import org.openbwc.testsupport.MovableClock;

/** A unit that reports an evidence key other than the one pinned at enrolment raises an alert, once per key. */
class EvidenceKeyWatchTest {
    @TempDir
    Path dataDir;

    final MovableClock clock = new MovableClock(Instant.parse("2026-11-29T10:00:00Z"));
    final FleetRegistry registry = new FleetRegistry();
    final FleetFeed feed = new FleetFeed(registry);
    final AlertBoard alerts = new AlertBoard(clock);
    UnitKeys keys;
    long seq;

    @BeforeEach
    void enrol() {
        AgencyCa ca = AgencyCa.create(dataDir.resolve("pki"), "Test Police", clock);
        UnitDirectory directory = UnitDirectory.open(dataDir, clock);
        EnrolmentService service = new EnrolmentService(
                directory, ca, Duration.ofDays(1), dataDir.resolve("crl.pem"), EnrolmentThrottle.defaults(clock));
        keys = TestEnrolment.unit("bwc-001");
        service.enrol("ip", "bwc-001", service.add("bwc-001").token(), keys.csrPem(), keys.evidenceKeyPem());
        registry.listen(alerts);
        registry.listen(new EvidenceKeyWatch(directory, alerts::evidenceKeyDiffers));
    }

    @Test
    void thePinnedKeyRaisesNothing() {
        feed.applyStatus(
                status("bwc-001", Fingerprints.evidenceKey(keys.evidence().getPublic()), null), false);
        assertThat(alerts.all()).isEmpty();
    }

    @Test
    void anotherKeyRaisesOneAlertNamingBoth() {
        String other = Fingerprints.evidenceKey(TestEnrolment.ed25519().getPublic());
        feed.applyStatus(status("bwc-001", other, null), false);
        feed.applyStatus(status("bwc-001", other, null), false);

        assertThat(alerts.all()).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(Alert.Type.EVIDENCE_KEY_DIFFERS);
            assertThat(a.severity()).isEqualTo(Alert.Severity.CRITICAL);
            assertThat(a.message())
                    .contains("evidence key differs from the one pinned at enrolment", other)
                    .contains(Fingerprints.evidenceKey(keys.evidence().getPublic()));
        });
    }

    @Test
    void aUnitThatOnlySendsItsPublicKeyIsCheckedToo() {
        String otherKey = Base64.getEncoder()
                .encodeToString(TestEnrolment.ed25519().getPublic().getEncoded());
        feed.applyStatus(status("bwc-001", null, otherKey), false);
        assertThat(alerts.all())
                .singleElement()
                .satisfies(a -> assertThat(a.type()).isEqualTo(Alert.Type.EVIDENCE_KEY_DIFFERS));
    }

    @Test
    void aUnitWithoutAPinnedKeyIsNotJudged() {
        feed.applyStatus(status("bwc-999", "ed25519:00", null), false);
        assertThat(alerts.all()).isEmpty();
    }

    private UnitStatus status(String unit, String evidenceKey, String publicKey) {
        seq++;
        return new UnitStatus(
                Payload.VERSION,
                unit,
                UnitState.BUFFERING,
                true,
                false,
                false,
                "o-1",
                null,
                null,
                null,
                null,
                false,
                true,
                "fw",
                seq,
                Instant.parse("2026-01-01T00:00:00Z").plusSeconds(seq),
                null,
                null,
                publicKey,
                null,
                null,
                evidenceKey);
    }
}
