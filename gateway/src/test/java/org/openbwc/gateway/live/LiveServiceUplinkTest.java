package org.openbwc.gateway.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.openbwc.config.LiveConfig;
import org.openbwc.gateway.alerts.Alert;
import org.openbwc.gateway.alerts.AlertBoard;
import org.openbwc.gateway.fleet.CommandClient;
import org.openbwc.gateway.fleet.FleetFeed;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.pki.Identity;
import org.openbwc.pki.IdentityRole;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;

/**
 * The uplink's admission with the client certificate's identity passed in, as the units' listener reads it: the
 * unit's own certificate and ticket admit it; no certificate, another unit's or a gateway's are refused; a second
 * uplink never replaces the first. Refusals naming a unit of the fleet raise an alert.
 */
class LiveServiceUplinkTest {
    static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
    static final String UNIT = "bwc-0001";
    static final Optional<Identity> ITSELF = Optional.of(new Identity(UNIT, IdentityRole.UNIT));

    final FleetRegistry registry = new FleetRegistry();
    final AlertBoard alerts = new AlertBoard(Clock.fixed(T, ZoneOffset.UTC));
    final List<Alert> raised = new CopyOnWriteArrayList<>();
    final CommandClient commands = mock(CommandClient.class);
    final LiveService live = new LiveService(
            "gw-1", registry, commands, alerts, LiveConfig.defaults(), Duration.ofSeconds(5), Clock.systemUTC());

    LiveServiceUplinkTest() {
        alerts.listen(raised::add);
        new FleetFeed(registry).applyStatus(status(UNIT), false);
        // The unit never answers: the ticket stays valid, as while a real unit connects.
        when(commands.send(anyString(), anyString(), anyMap(), anyString(), any()))
                .thenReturn(new CompletableFuture<CommandReply>());
        live.uplinkBase("wss://gateway.local:8444");
    }

    @AfterEach
    void close() {
        live.close();
    }

    static UnitStatus status(String unitId) {
        return new UnitStatus(
                Payload.VERSION,
                unitId,
                UnitState.BUFFERING,
                true,
                false,
                false,
                "o",
                null,
                null,
                null,
                null,
                false,
                true,
                "fw",
                1,
                T);
    }

    /** Asks the unit to stream and returns the ticket its live.start carried. */
    String ticketFor(String unitId) {
        live.ensureStream(unitId, "gw-1/sam");
        @SuppressWarnings("unchecked")
        ArgumentCaptor<Map<String, String>> args = ArgumentCaptor.forClass(Map.class);
        org.mockito.Mockito.verify(commands, org.mockito.Mockito.atLeastOnce())
                .send(eq(unitId), eq("live.start"), args.capture(), anyString(), any());
        String url = args.getValue().get("url");
        assertThat(url).startsWith("wss://gateway.local:8444/uplink/" + unitId + "?ticket=");
        return URI.create(url).getQuery().substring("ticket=".length());
    }

    @Test
    void theUnitsOwnCertificateAndTicketAdmitTheUplink() {
        String ticket = ticketFor(UNIT);

        assertThat(live.admitUplink(ticket, UNIT, ITSELF)).isEmpty();
        assertThat(live.uplinkOpened(UNIT, "avc1.42c01f", text -> {})).isPresent();
        assertThat(live.streaming(UNIT)).isTrue();
        assertThat(raised).isEmpty();
    }

    @Test
    void withoutACertificateTheTicketAloneIsRefusedAndUsedUpAndTheRoomIsAlerted() {
        String ticket = ticketFor(UNIT);

        assertThat(live.admitUplink(ticket, UNIT, Optional.empty()))
                .contains("no unit certificate: the uplink needs the unit's TLS client certificate");
        // The ticket leaked to whoever came without the certificate: it is gone.
        assertThat(live.admitUplink(ticket, UNIT, ITSELF)).contains("uplink ticket missing, used or expired");
        assertThat(raised).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(Alert.Type.UPLINK_REFUSED);
            assertThat(a.unitId()).isEqualTo(UNIT);
            assertThat(a.severity()).isEqualTo(Alert.Severity.WARNING);
            assertThat(a.message()).contains("no unit certificate");
        });
    }

    @Test
    void anotherUnitsCertificateOrAGatewaysCannotStreamAsThisUnit() {
        String ticket = ticketFor(UNIT);

        assertThat(live.admitUplink(ticket, UNIT, Optional.of(new Identity("bwc-0002", IdentityRole.UNIT))))
                .contains("certificate names unit bwc-0002, not this unit");
        assertThat(live.admitUplink(ticket, UNIT, Optional.of(new Identity(UNIT, IdentityRole.GATEWAY))))
                .contains("certificate names gateway bwc-0001, not this unit");
        assertThat(live.streaming(UNIT)).isFalse();
        assertThat(raised).extracting(Alert::type).containsExactly(Alert.Type.UPLINK_REFUSED);
    }

    @Test
    void aLateUnitWithItsOwnCertificateButNoValidTicketIsRefusedWithoutAnAlarm() {
        assertThat(live.admitUplink("guess", UNIT, ITSELF)).contains("uplink ticket missing, used or expired");
        assertThat(live.admitUplink(null, UNIT, ITSELF)).contains("uplink ticket missing, used or expired");
        assertThat(raised).isEmpty();
    }

    @Test
    void aTicketIsForItsOwnUnitOnly() {
        new FleetFeed(registry).applyStatus(status("bwc-0002"), false);
        String ticket = ticketFor(UNIT);

        assertThat(live.admitUplink(ticket, "bwc-0002", Optional.of(new Identity("bwc-0002", IdentityRole.UNIT))))
                .contains("uplink ticket missing, used or expired");
    }

    @Test
    void aUnitTheFleetDoesNotKnowRaisesNoAlert() {
        assertThat(live.admitUplink("guess", "nobody", Optional.empty())).isPresent();
        assertThat(live.admitUplink("guess", "bad\nid", Optional.empty())).isPresent();
        assertThat(raised).isEmpty();
    }

    @Test
    void aSecondUplinkForAStreamingUnitIsRefusedAndTheFirstKeepsStreaming() {
        String ticket = ticketFor(UNIT);
        assertThat(live.admitUplink(ticket, UNIT, ITSELF)).isEmpty();
        LiveRelay first = live.uplinkOpened(UNIT, "avc1.42c01f", text -> {}).orElseThrow();

        // Before the upgrade: the unit's own certificate while it streams (a copied key?), ticket or not.
        assertThat(live.admitUplink("anything", UNIT, ITSELF)).contains(LiveService.SECOND_UPLINK);
        // Two uplinks that passed the check together: the second to register is refused, the first stays.
        assertThat(live.uplinkOpened(UNIT, "avc1.640028", text -> {})).isEmpty();
        live.uplinkClosed(UNIT, null, "the refused socket closed");

        assertThat(live.streaming(UNIT)).isTrue();
        assertThat(live.hlsRequest(UNIT, "s", () -> {})).contains(first);
        assertThat(first.mime()).contains("avc1.42c01f");
        assertThat(raised).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(Alert.Type.UPLINK_DUPLICATE);
            assertThat(a.severity()).isEqualTo(Alert.Severity.CRITICAL);
            assertThat(a.message()).contains("connected a second time while it streams");
        });
    }

    @Test
    void whenTheTicketCameWithTheWrongCertificateTheWaitingOperatorLearnsWhy() {
        CompletableFuture<CommandReply> unitAnswer = new CompletableFuture<>();
        when(commands.send(eq(UNIT), eq("live.start"), anyMap(), anyString(), any()))
                .thenReturn(unitAnswer);
        CompletableFuture<Void> stream = live.ensureStream(UNIT, "gw-1/sam");
        String ticket = ticketFor(UNIT);

        assertThat(live.admitUplink(ticket, UNIT, Optional.empty())).isPresent();
        // The unit's handshake succeeded before the gateway closed it, so it answers ok.
        unitAnswer.complete(CommandReply.ok(UNIT, "live.start", "streaming", UnitState.BUFFERING, T));

        assertThat(stream)
                .failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOf(LiveService.LiveUnavailableException.class)
                .withMessage("the live uplink of unit bwc-0001 was refused: no unit certificate: the uplink needs the"
                        + " unit's TLS client certificate");
    }

    @Test
    void reasonsFitAWebSocketCloseFrame() {
        String longId = "u".repeat(64);
        Optional<String> reason = live.admitUplink("t", UNIT, Optional.of(new Identity(longId, IdentityRole.UNIT)));
        assertThat(reason.orElseThrow().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .hasSizeLessThanOrEqualTo(123);
        assertThat(LiveService.SECOND_UPLINK.length()).isLessThanOrEqualTo(123);
    }
}
