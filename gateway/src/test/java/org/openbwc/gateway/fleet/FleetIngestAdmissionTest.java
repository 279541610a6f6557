package org.openbwc.gateway.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openbwc.gateway.alerts.Alert;
import org.openbwc.gateway.alerts.AlertBoard;
import org.openbwc.protocol.Battery;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.Topics;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;
import org.openbwc.protocol.WireCodec;

/** Only enrolled units feed the registry: others are dropped, with one alert per unit, not one per message. */
class FleetIngestAdmissionTest {
    final FleetRegistry registry = new FleetRegistry();
    final AlertBoard alerts = new AlertBoard(Clock.systemUTC());
    final DroppedMessages drops = new DroppedMessages();
    final WireCodec codec = new WireCodec();
    final Map<String, Admission.Verdict> directory =
            Map.of("bwc-ok", Admission.Verdict.ADMITTED, "bwc-gone", Admission.Verdict.REVOKED);
    final FleetIngest ingest = new FleetIngest(
            registry,
            codec,
            64 * 1024,
            drops,
            id -> directory.getOrDefault(id, Admission.Verdict.NOT_ENROLLED),
            (id, verdict) -> alerts.unitRefused(id, verdict == Admission.Verdict.REVOKED));

    @Test
    void anUnknownUnitIsDroppedWithOneAlertHoweverMuchItSends() {
        for (int i = 1; i <= 5; i++) ingest.accept(Topics.status("bwc-rogue"), status("bwc-rogue", i), false);

        assertThat(registry.unit("bwc-rogue")).isEmpty();
        assertThat(drops.count(DroppedMessages.Reason.NOT_ENROLLED)).isEqualTo(5);
        assertThat(alerts.all()).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(Alert.Type.UNIT_NOT_ENROLLED);
            assertThat(a.unitId()).isEqualTo("bwc-rogue");
            assertThat(a.message()).contains("not enrolled");
        });
        // Acknowledged or not, the same unit does not raise it again.
        alerts.acknowledge(alerts.all().get(0).id(), "ada");
        ingest.accept(Topics.status("bwc-rogue"), status("bwc-rogue", 6), false);
        assertThat(alerts.all()).hasSize(1);
    }

    @Test
    void anEmptyStatusNeverErasesAUnitOrItsEvents() {
        ingest.accept(Topics.status("bwc-ok"), status("bwc-ok", 1), false);
        ingest.accept(Topics.status("bwc-ok"), new byte[0], true);
        ingest.accept(Topics.status("bwc-ok"), new byte[0], false);
        assertThat(registry.unit("bwc-ok"))
                .hasValueSatisfying(u -> assertThat(u.online()).isTrue());
        assertThat(drops.count(DroppedMessages.Reason.INVALID_PAYLOAD)).isEqualTo(2);
    }

    @Test
    void anEnrolledUnitIsAppliedAndARevokedOneIsShownRevoked() {
        ingest.accept(Topics.status("bwc-ok"), status("bwc-ok", 1), false);
        assertThat(registry.unit("bwc-ok")).hasValueSatisfying(u -> {
            assertThat(u.online()).isTrue();
            assertThat(u.revoked()).isFalse();
        });

        ingest.accept(Topics.status("bwc-gone"), status("bwc-gone", 1), false);
        ingest.accept(Topics.status("bwc-gone"), status("bwc-gone", 2), false);

        assertThat(registry.unit("bwc-gone")).hasValueSatisfying(u -> {
            assertThat(u.revoked()).isTrue();
            assertThat(u.online()).isFalse();
            assertThat(u.state()).isNull();
        });
        assertThat(drops.count(DroppedMessages.Reason.REVOKED)).isEqualTo(2);
        assertThat(alerts.all())
                .singleElement()
                .satisfies(a -> assertThat(a.type()).isEqualTo(Alert.Type.UNIT_REVOKED));
    }

    @Test
    void aUnitKnownBeforeItsRevocationKeepsItsLastStateMarkedRevoked() {
        ingest.accept(Topics.status("bwc-ok"), status("bwc-ok", 1), false);
        registry.markRevoked("bwc-ok");
        assertThat(registry.unit("bwc-ok")).hasValueSatisfying(u -> {
            assertThat(u.revoked()).isTrue();
            assertThat(u.online()).isFalse();
            assertThat(u.state()).isEqualTo(UnitState.BUFFERING);
        });
    }

    private byte[] status(String unit, long seq) {
        return codec.encode(new UnitStatus(
                Payload.VERSION,
                unit,
                UnitState.BUFFERING,
                true,
                false,
                false,
                "o-1",
                new Battery(50, false, false),
                null,
                null,
                null,
                false,
                true,
                "fw",
                seq,
                Instant.parse("2026-01-01T00:00:00Z").plusSeconds(seq)));
    }
}
