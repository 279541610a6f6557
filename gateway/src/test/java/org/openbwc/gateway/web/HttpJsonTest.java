package org.openbwc.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openbwc.protocol.Battery;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.CommandRequest;
import org.openbwc.protocol.EventAck;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.MalformedPayloadException;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.Storage;
import org.openbwc.protocol.StreamHandle;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitLocation;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;
import org.openbwc.protocol.WireCodec;

/** The browser sees a payload exactly as the broker carries it: the HTTP mapper and the wire codec agree, both ways. */
class HttpJsonTest {
    private static final Instant T = Instant.parse("2026-11-29T10:15:30.123Z");
    private final ObjectMapper mapper = HttpJson.mapper();
    private final WireCodec codec = new WireCodec();

    private static List<Payload> samples() {
        return List.of(
                new UnitStatus(
                        1,
                        "u-1",
                        UnitState.RECORDING,
                        true,
                        false,
                        true,
                        "4711",
                        new Battery(80, false, true, 95),
                        new Storage(10, 20),
                        "u-1-rec",
                        T,
                        true,
                        true,
                        "1.0",
                        42,
                        T,
                        30_400L,
                        0L,
                        "AAAA",
                        70,
                        2),
                UnitStatus.offline("u-2", "", "", T),
                new UnitEvent(
                        1,
                        "u-1",
                        EventType.RECORDING_STARTED,
                        T,
                        UnitState.RECORDING,
                        "button",
                        Map.of("recordingId", "r"),
                        7),
                new UnitEvent(1, "u-1", EventType.MARKER, T, UnitState.RECORDING, "button", Map.of(), 8, "boot-1"),
                new EventAck(1, "u-1", "boot-1", List.of(7L, 8L)),
                new UnitLocation(1, "u-1", 52.5, 13.4, 4.5, null, 1.25, 359.5, T, 9),
                new StreamHandle(1, "u-1", "live", "http://127.0.0.1/x", "avc1", 640, 360, T),
                CommandRequest.of("marker", Map.of("label", "door"), "op", T),
                CommandReply.ok("u-1", "marker", "marked", UnitState.RECORDING, T));
    }

    @Test
    void bothWriteTheSameJson() throws Exception {
        for (Payload p : samples()) {
            String fromCodec = new String(codec.encode(p), StandardCharsets.UTF_8);
            assertThat(fromCodec).as(p.getClass().getSimpleName()).isEqualTo(mapper.writeValueAsString(p));
        }
    }

    @Test
    void eachReadsWhatTheOtherWrote() throws Exception {
        for (Payload p : samples()) {
            assertThat(codec.decode(mapper.writeValueAsBytes(p), p.getClass()))
                    .as(p.getClass().getSimpleName())
                    .isEqualTo(p);
            assertThat(mapper.readValue(codec.encode(p), p.getClass()))
                    .as(p.getClass().getSimpleName())
                    .isEqualTo(p);
        }
    }

    @Test
    void theSamplesCoverEveryPayloadType() {
        assertThat(samples().stream().map(Object::getClass).distinct())
                .containsExactlyInAnyOrder(Payload.class.getPermittedSubclasses());
    }

    @Test
    void everyEventTypeTravelsByItsWireNameBothWays() throws Exception {
        for (EventType type : EventType.values()) {
            UnitEvent e = new UnitEvent(1, "u-1", type, T, UnitState.BUFFERING, "", Map.of(), 1);
            String fromCodec = new String(codec.encode(e), StandardCharsets.UTF_8);
            assertThat(fromCodec).as(type.name()).contains("\"type\":\"" + type.wire() + "\"");
            assertThat(mapper.writeValueAsString(e)).as(type.name()).isEqualTo(fromCodec);
            assertThat(mapper.readValue(fromCodec, UnitEvent.class))
                    .as(type.name())
                    .isEqualTo(e);
            assertThat(mapper.writeValueAsString(type)).isEqualTo("\"" + type.wire() + "\"");
            assertThat(mapper.readValue("\"" + type.wire() + "\"", EventType.class))
                    .isEqualTo(type);
        }
        assertThatThrownBy(() -> mapper.readValue("\"RECORDING_STARTED\"", EventType.class))
                .as("the constant's name is no wire name")
                .isInstanceOf(JsonMappingException.class)
                .hasMessageContaining("unknown event type 'RECORDING_STARTED'");
    }

    @Test
    void bothRejectALocationWithoutLatitudeOrLongitude() {
        String whole = "{\"version\":1,\"unitId\":\"u-1\",\"lat\":52.5,\"lon\":13.4,"
                + "\"fixTime\":\"2026-11-29T10:15:30.123Z\",\"seq\":9}";
        for (String missing : Arrays.asList("\"lat\":52.5,", "\"lon\":13.4,")) {
            byte[] json = whole.replace(missing, "").getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> codec.decode(json, UnitLocation.class))
                    .as(missing)
                    .isInstanceOf(MalformedPayloadException.class);
            assertThatThrownBy(() -> mapper.readValue(json, UnitLocation.class))
                    .as(missing)
                    .isInstanceOf(JsonMappingException.class)
                    .hasMessageContaining("Missing required creator property '" + missing.substring(1, 4) + "'");
        }
    }
}
