package org.openbwc.gateway.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.audit.AuditQuery;
import org.openbwc.gateway.fleet.CommandClient;
import org.openbwc.gateway.web.HttpJson;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.TalkFrame;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitState;

/**
 * The gateway's side of voice calls: who may open one, which voice frames go down a unit's uplink and which are
 * refused (no call, another operator or session, another call, malformed, oversized, after the end), and the audit.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TalkCallsTest {
    @TempDir
    Path dir;

    CommandClient commands = mock(CommandClient.class);
    AuditLog audit;
    TalkCalls talk;
    final List<ByteBuffer> toUnit = new ArrayList<>();
    final java.util.function.Consumer<ByteBuffer> downlink = toUnit::add;

    @BeforeEach
    void setUp() {
        audit = AuditLog.open(dir.resolve("audit.log"), HttpJson.mapper(), Clock.systemUTC());
        talk = new TalkCalls("gw-1", commands, audit, Duration.ofSeconds(2), Clock.systemUTC());
        when(commands.send(anyString(), anyString(), anyMap(), anyString(), any()))
                .thenAnswer(c -> CompletableFuture.completedFuture(CommandReply.ok(
                        c.getArgument(0), c.getArgument(1), "call open", UnitState.BUFFERING, Instant.now())));
    }

    @AfterEach
    void tearDown() {
        audit.close();
    }

    static ByteBuffer frame(String callId, int seq, int bytes) {
        return new TalkFrame(TalkFrame.Codec.OPUS, TalkFrame.tagOf(callId), seq, 0, new byte[bytes]).encode();
    }

    List<JsonNode> audited(String action) {
        return audit.find(new AuditQuery(null, action, null, null, null, 100));
    }

    @Test
    void aCallNeedsTheUnitsUplinkAndOnlyOneSupervisorAtATime() {
        assertThatThrownBy(() -> talk.open("cam-1", "sam", "nonce-1"))
                .isInstanceOfSatisfying(
                        TalkCalls.TalkRefusedException.class,
                        e -> assertThat(e.status()).isEqualTo(409))
                .hasMessageContaining("open its live view first");
        talk.downlinkOpened("cam-1", downlink);
        TalkCalls.Call call = talk.open("cam-1", "sam", "nonce-1");
        verify(commands)
                .send(
                        eq("cam-1"),
                        eq("talk.start"),
                        eq(Map.of("callId", call.callId(), "by", "sam")),
                        eq("gw-1/sam"),
                        any());
        assertThat(talk.open("cam-1", "sam", "nonce-1"))
                .as("the same supervisor again")
                .isSameAs(call);
        assertThatThrownBy(() -> talk.open("cam-1", "kim", "nonce-2"))
                .hasMessageContaining("already in a call with sam");
        assertThat(audited("call.open"))
                .extracting(e -> e.path("outcome").asText())
                .contains("ok", "refused");
    }

    @Test
    void onlyTheCallersWellFormedFramesOfTheOpenCallGoDownTheUplink() {
        talk.downlinkOpened("cam-1", downlink);
        assertThat(talk.fromViewer("cam-1", "sam", "nonce-1", frame("call-x", 1, 100)))
                .contains("no call open");
        TalkCalls.Call call = talk.open("cam-1", "sam", "nonce-1");

        assertThat(talk.fromViewer("cam-1", "sam", "nonce-1", frame(call.callId(), 1, 100)))
                .isEmpty();
        assertThat(toUnit).hasSize(1);
        assertThat(TalkFrame.decode(toUnit.get(0)).callTag()).isEqualTo(TalkFrame.tagOf(call.callId()));

        assertThat(talk.fromViewer("cam-1", "kim", "nonce-2", frame(call.callId(), 2, 100)))
                .contains("not the call's supervisor");
        assertThat(talk.fromViewer("cam-1", "sam", "nonce-other", frame(call.callId(), 2, 100)))
                .as("the same user in another session")
                .contains("not the call's supervisor");
        assertThat(talk.fromViewer("cam-1", "sam", "nonce-1", frame("call-other", 2, 100)))
                .contains("another call's frame");
        assertThat(talk.fromViewer("cam-1", "sam", "nonce-1", ByteBuffer.wrap(new byte[300])))
                .contains("malformed");
        ByteBuffer huge = ByteBuffer.allocate(TalkFrame.HEADER_BYTES + TalkFrame.MAX_PAYLOAD_BYTES + 1);
        assertThat(talk.fromViewer("cam-1", "sam", "nonce-1", huge)).contains("oversized");
        assertThat(toUnit).hasSize(1);

        assertThat(talk.close("cam-1", call.callId(), "sam", "ended by sam")).isTrue();
        verify(commands).send(eq("cam-1"), eq("talk.stop"), eq(Map.of("callId", call.callId())), eq("gw-1/sam"), any());
        assertThat(talk.fromViewer("cam-1", "sam", "nonce-1", frame(call.callId(), 3, 100)))
                .as("after the call ended")
                .contains("no call open");
        assertThat(toUnit).hasSize(1);
        assertThat(talk.refusals())
                .containsEntry("no call open", 2L)
                .containsEntry("not the call's supervisor", 2L)
                .containsEntry("oversized", 1L);
        assertThat(talk.refusedFrames()).as("the metric's total").isEqualTo(7);

        JsonNode closed = audited("call.close").get(0);
        assertThat(closed.path("actor").asText()).isEqualTo("sam");
        assertThat(closed.path("target").asText()).isEqualTo("cam-1");
        assertThat(closed.path("details").path("framesForwarded").asLong()).isEqualTo(1);
        assertThat(closed.path("details").has("durationMillis")).isTrue();
    }

    @Test
    void aCallEndsWithTheCallersViewTheUplinkOrTheUnit() {
        talk.downlinkOpened("cam-1", downlink);
        talk.open("cam-1", "sam", "nonce-1");
        talk.viewerClosed("cam-1", "kim", "nonce-2");
        assertThat(talk.call("cam-1")).as("another viewer leaving").isPresent();
        talk.viewerClosed("cam-1", "sam", "nonce-1");
        assertThat(talk.call("cam-1")).isEmpty();

        TalkCalls.Call second = talk.open("cam-1", "sam", "nonce-1");
        talk.downlinkClosed("cam-1", b -> {}); // a replaced uplink's late close
        assertThat(talk.call("cam-1")).isPresent();
        talk.downlinkClosed("cam-1", downlink);
        assertThat(talk.call("cam-1")).isEmpty();

        talk.downlinkOpened("cam-1", downlink);
        TalkCalls.Call third = talk.open("cam-1", "sam", "nonce-1");
        talk.unitEvent(new UnitEvent(
                Payload.VERSION,
                "cam-1",
                EventType.CALL_ENDED,
                Instant.now(),
                UnitState.RECORDING,
                "remote:sam",
                Map.of("callId", third.callId(), "reason", "unit shutting down"),
                9));
        assertThat(talk.call("cam-1")).isEmpty();
        assertThat(audited("call.close"))
                .extracting(e -> e.path("details").path("how").asText())
                .containsExactlyInAnyOrder(
                        "the supervisor's live view closed",
                        "the unit's live uplink closed",
                        "ended by the unit: unit shutting down");
        assertThat(second.callId()).isNotEqualTo(third.callId());
    }

    @Test
    void aGatewayShuttingDownEndsEveryOpenCallOnItsUnitAndInTheAuditLog() {
        talk.downlinkOpened("cam-1", downlink);
        talk.downlinkOpened("cam-2", b -> {});
        TalkCalls.Call one = talk.open("cam-1", "sam", "nonce-1");
        TalkCalls.Call two = talk.open("cam-2", "kim", "nonce-2");
        assertThat(talk.openCalls()).isEqualTo(2);

        talk.closeAll();

        assertThat(talk.openCalls()).isZero();
        verify(commands).send(eq("cam-1"), eq("talk.stop"), eq(Map.of("callId", one.callId())), eq("gw-1/gw-1"), any());
        verify(commands).send(eq("cam-2"), eq("talk.stop"), eq(Map.of("callId", two.callId())), eq("gw-1/gw-1"), any());
        assertThat(audited("call.close"))
                .extracting(e -> e.path("details").path("how").asText())
                .containsExactlyInAnyOrder("the gateway is shutting down", "the gateway is shutting down");
    }

    @Test
    void anOfficersCallRequestIsAudited() {
        talk.unitEvent(new UnitEvent(
                Payload.VERSION,
                "cam-1",
                EventType.CALL_REQUESTED,
                Instant.now(),
                UnitState.BUFFERING,
                "button",
                Map.of(),
                3));
        assertThat(audited("call.requested")).singleElement().satisfies(e -> {
            assertThat(e.path("actor").asText()).isEqualTo("unit:cam-1");
            assertThat(e.path("target").asText()).isEqualTo("cam-1");
        });
        assertThat(Optional.empty()).isEmpty();
    }
}
