package org.openbwc.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireCodecTest {
    private final WireCodec codec = new WireCodec();
    private final Instant t = Instant.parse("2026-11-29T10:15:30.123Z");

    @Test
    void statusRoundTripsWithIsoTimes() throws Exception {
        UnitStatus s = new UnitStatus(
                1,
                "bwc-1",
                UnitState.RECORDING,
                true,
                false,
                true,
                "4711",
                new Battery(87, false, false),
                new Storage(10, 100),
                "rec-1",
                t,
                false,
                true,
                "0.1.0",
                42,
                t);
        byte[] json = codec.encode(s);
        assertThat(new String(json, StandardCharsets.UTF_8))
                .contains("\"time\":\"2026-11-29T10:15:30.123Z\"", "\"state\":\"RECORDING\"", "\"version\":1");
        assertThat(codec.decode(json, UnitStatus.class)).isEqualTo(s);
    }

    @Test
    void statusCarriesTheOffloadBacklogAndRefusesANegativeOne() throws Exception {
        UnitStatus offline = UnitStatus.offline("u1", "4711", "0.1.0", t);
        UnitStatus s = new UnitStatus(
                1,
                "u1",
                UnitState.BUFFERING,
                true,
                false,
                false,
                "4711",
                null,
                null,
                null,
                null,
                false,
                true,
                "0.1.0",
                5,
                t,
                null,
                null,
                null,
                null,
                null,
                null,
                "boot-1",
                new Backlog(2, 48_213_344, t.minusSeconds(7200)));
        WireCodec codec = new WireCodec();
        assertThat(codec.decode(codec.encode(s), UnitStatus.class)).isEqualTo(s);
        assertThat(codec.decode(codec.encode(offline), UnitStatus.class).offloadBacklog())
                .isNull();
        byte[] negative = new String(codec.encode(s), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"recordings\":2", "\"recordings\":-1")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode(negative, UnitStatus.class))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("recordings -1 is negative");
    }

    @Test
    void everyPayloadTypeRoundTrips() throws Exception {
        Payload[] all = {
            new UnitLocation(1, "u1", 52.52, 13.405, 4.5, 34.0, 1.2, 270.0, t, 7),
            new UnitLocation(1, "u1", -33.9, 151.2, null, null, null, null, t, 8),
            new UnitEvent(1, "u1", EventType.MARKER, t, UnitState.RECORDING, "button", Map.of("label", "arrest"), 3),
            new UnitEvent(1, "u1", EventType.SOS_RAISED, t, UnitState.RECORDING, "button", Map.of(), 4, "boot-1"),
            new EventAck(1, "u1", "boot-1", List.of(3L, 4L)),
            new StreamHandle(1, "u1", "idle", null, "avc1.64001f", 1280, 720, t),
            CommandRequest.of("record.start", Map.of("reason", "dispatch"), "gw-1", t),
            CommandReply.error("u1", "record.stop", "already idle", UnitState.BUFFERING, t),
            UnitStatus.offline("u1", "4711", "0.1.0", t),
        };
        for (Payload p : all) {
            assertThat(codec.decode(codec.encode(p), p.getClass())).isEqualTo(p);
        }
    }

    @Test
    void statusCarriesRecordingDetailsAndKeyButDoesNotRequireThem() throws Exception {
        UnitStatus s = new UnitStatus(
                1,
                "bwc-1",
                UnitState.RECORDING,
                true,
                false,
                false,
                "4711",
                new Battery(50, false, false, 95),
                new Storage(10, 100),
                "rec-1",
                t,
                false,
                true,
                "0.1.0",
                7,
                t,
                31_500L,
                2L,
                "MCowBQYDK2VwAyEA",
                64,
                2,
                "ed25519:00ff");
        UnitStatus back = codec.decode(codec.encode(s), UnitStatus.class);
        assertThat(back.evidenceKey()).isEqualTo("ed25519:00ff");
        assertThat(back).isEqualTo(s);
        assertThat(back.recordingMillis()).isEqualTo(31_500L);
        assertThat(back.battery().minutesLeft()).isEqualTo(95);
        assertThat(back.signalPercent()).isEqualTo(64);
        String old = "{\"version\":1,\"unitId\":\"u1\",\"state\":\"BUFFERING\",\"online\":true,\"stealth\":false,"
                + "\"sos\":false,\"live\":false,\"clockSet\":true,\"seq\":3,\"time\":\"2026-11-29T10:00:00Z\"}";
        UnitStatus fromOld = codec.decode(old.getBytes(StandardCharsets.UTF_8), UnitStatus.class);
        assertThat(fromOld.recordingMillis()).isNull();
        assertThat(fromOld.publicKey()).isNull();
        assertThat(fromOld.evidenceKey()).isNull();
        assertThat(fromOld.signalPercent()).isNull();
        assertThat(fromOld.state()).isEqualTo(UnitState.BUFFERING);
    }

    @Test
    void unknownFieldsAreIgnored() throws Exception {
        String json = "{\"version\":1,\"unitId\":\"u1\",\"type\":\"marker\",\"time\":\"2026-11-29T10:00:00Z\","
                + "\"state\":\"RECORDING\",\"cause\":\"button\",\"details\":{},\"seq\":1,\"newField\":[1,2]}";
        assertThat(codec.decode(json.getBytes(StandardCharsets.UTF_8), UnitEvent.class)
                        .type())
                .isEqualTo(EventType.MARKER);
    }

    @Test
    void anEventAckNamesOneToAThousandEventsOfOneBoot() {
        String ok = "{\"version\":1,\"unitId\":\"u1\",\"bootId\":\"b-1\",\"seqs\":[1,2]}";
        assertThatCode(() -> codec.decode(ok.getBytes(), EventAck.class)).doesNotThrowAnyException();
        String none = "{\"version\":1,\"unitId\":\"u1\",\"bootId\":\"b-1\",\"seqs\":[]}";
        assertThatThrownBy(() -> codec.decode(none.getBytes(), EventAck.class))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("seqs is empty");
        String negative = "{\"version\":1,\"unitId\":\"u1\",\"bootId\":\"b-1\",\"seqs\":[-1]}";
        assertThatThrownBy(() -> codec.decode(negative.getBytes(), EventAck.class))
                .hasMessageContaining("seq -1 is invalid");
        String noBoot = "{\"version\":1,\"unitId\":\"u1\",\"seqs\":[1]}";
        assertThatThrownBy(() -> codec.decode(noBoot.getBytes(), EventAck.class))
                .hasMessageContaining("bootId");
        List<Long> tooMany = java.util.stream.LongStream.rangeClosed(1, EventAck.MAX_SEQS + 1)
                .boxed()
                .toList();
        assertThatThrownBy(() -> new EventAck(1, "u1", "b-1", tooMany)).hasMessageContaining("1001 entries");
    }

    @Test
    void malformedPayloadsAreRejectedWithReasons() {
        assertThatThrownBy(() -> codec.decode("not json".getBytes(), UnitStatus.class))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageStartingWith("UnitStatus: ");
        assertThatThrownBy(() -> codec.decode(new byte[0], UnitStatus.class)).hasMessageContaining("empty payload");
        assertThatThrownBy(() -> codec.decode("null".getBytes(), UnitStatus.class))
                .hasMessageContaining("null");
        assertThatThrownBy(() -> codec.decode(new byte[WireCodec.DEFAULT_MAX_BYTES + 1], UnitStatus.class))
                .hasMessageContaining("exceeds the limit of 65536");
        String v2 =
                "{\"version\":2,\"unitId\":\"u1\",\"lat\":1,\"lon\":2,\"fixTime\":\"2026-11-29T10:00:00Z\",\"seq\":1}";
        assertThatThrownBy(() -> codec.decode(v2.getBytes(), UnitLocation.class))
                .hasMessageContaining("payload version 2 is not supported");
        String badLat =
                "{\"version\":1,\"unitId\":\"u1\",\"lat\":91,\"lon\":2,\"fixTime\":\"2026-11-29T10:00:00Z\",\"seq\":1}";
        assertThatThrownBy(() -> codec.decode(badLat.getBytes(), UnitLocation.class))
                .hasMessageContaining("lat 91.0 is out of range");
        String noLat = "{\"version\":1,\"unitId\":\"u1\",\"lon\":2,\"fixTime\":\"2026-11-29T10:00:00Z\",\"seq\":1}";
        assertThatThrownBy(() -> codec.decode(noLat.getBytes(), UnitLocation.class))
                .hasMessageContaining("lat");
        String noVersion = "{\"unitId\":\"u1\",\"lat\":1,\"lon\":2,\"fixTime\":\"2026-11-29T10:00:00Z\",\"seq\":1}";
        assertThatThrownBy(() -> codec.decode(noVersion.getBytes(), UnitLocation.class))
                .hasMessage("UnitLocation: field 'version' is missing or null");
        String badType =
                "{\"version\":1,\"unitId\":\"u1\",\"type\":\"explode\",\"time\":\"2026-11-29T10:00:00Z\",\"state\":\"SLEEP\",\"seq\":1}";
        assertThatThrownBy(() -> codec.decode(badType.getBytes(), UnitEvent.class))
                .isInstanceOf(MalformedPayloadException.class);
        String badId =
                "{\"version\":1,\"unitId\":\"a/b\",\"lat\":1,\"lon\":2,\"fixTime\":\"2026-11-29T10:00:00Z\",\"seq\":1}";
        assertThatThrownBy(() -> codec.decode(badId.getBytes(), UnitLocation.class))
                .hasMessageContaining("unitId 'a/b' is invalid");
    }

    @Test
    void topicsBuildAndParse() {
        assertThat(Topics.status("u-1")).isEqualTo("bwc/v1/u-1/status");
        assertThat(Topics.command("u-1", "record.start")).isEqualTo("bwc/v1/u-1/cmd/record.start");
        assertThat(Topics.parse("bwc/v1/u-1/location"))
                .contains(new Topics.TopicAddress("u-1", Topics.TopicKind.LOCATION, null));
        assertThat(Topics.parse("bwc/v1/u-1/cmd/ping"))
                .contains(new Topics.TopicAddress("u-1", Topics.TopicKind.COMMAND, "ping"));
        assertThat(Topics.parse("bwc/v1/u-1/weird")).isEmpty();
        assertThat(Topics.parse("bwc/v1/u 1/status")).isEmpty();
        assertThat(Topics.parse("other/u-1/status")).isEmpty();
        assertThat(Topics.parse("bwc/v1/u-1/status/extra")).isEmpty();
        assertThatThrownBy(() -> Topics.status("a+b")).hasMessageContaining("unit id 'a+b' is invalid");
    }

    @Test
    void remoteCommandsKnowTheirWireNames() {
        assertThat(RemoteCommand.fromWire("stealth.on")).contains(RemoteCommand.STEALTH_ON);
        assertThat(RemoteCommand.fromWire("selfdestruct")).isEmpty();
        assertThat(RemoteCommand.allowed())
                .startsWith(
                        "record.start, record.stop, marker, locate, stealth.on, stealth.off, ping, live.start, live.stop");
        // Commands other issues add are appended after these; each says its own.
        assertThat(RemoteCommand.allowed()).contains(", officer.assign");
    }

    @Test
    void hostilePayloadsAreMalformedPayloadsNeverAnotherFailure() {
        byte[] megabyte = new byte[1 << 20];
        java.util.Arrays.fill(megabyte, (byte) '[');
        String deep = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
        java.util.List<byte[]> hostile = java.util.List.of(
                megabyte,
                ("[".repeat(10_000) + "]".repeat(10_000)).getBytes(StandardCharsets.US_ASCII),
                ("{\"version\":1,\"command\":\"ping\",\"args\":" + deep + "}").getBytes(StandardCharsets.US_ASCII),
                new byte[] {'{', '"', (byte) 0xFF, '"', ':', '1', '}'},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate is not UTF-8
                "{\"version\":1,\"command\":[\"ping\"]}".getBytes(StandardCharsets.US_ASCII),
                "{\"version\":1e400,\"command\":\"ping\"}".getBytes(StandardCharsets.US_ASCII),
                "{\"version\":99999999999999999999,\"command\":\"ping\"}".getBytes(StandardCharsets.US_ASCII),
                "{\"version\":1,\"command\":\"ping\",\"args\":{\"k\":null}}".getBytes(StandardCharsets.US_ASCII),
                "{\"version\":1,\"command\":\"p/../ing\"}".getBytes(StandardCharsets.US_ASCII),
                "{\"version\":1,\"command\":\"ping\",\"sentAt\":true}".getBytes(StandardCharsets.US_ASCII));
        for (byte[] payload : hostile) {
            assertThatThrownBy(() -> codec.decode(payload, CommandRequest.class))
                    .as("%.60s", new String(payload, StandardCharsets.ISO_8859_1))
                    .isExactlyInstanceOf(MalformedPayloadException.class)
                    .hasMessageStartingWith("CommandRequest: ");
        }
    }
}
