package org.openbwc.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openbwc.config.MqttConfig;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;
import org.openbwc.protocol.WireCodec;

/** The link's contract where no broker is needed. */
class UnitLinkTest {

    private static final Instant T = Instant.parse("2025-06-01T12:00:00Z");
    private static final CommandHandler OK = (name, request) -> CommandReply.ok("unit-1", name, "", UnitState.SLEEP, T);

    @Test
    void inFlightPublishesStayBelowTheBrokersReceiveMaximum() {
        assertThat(UnitLink.inFlightLimitFor(10)).as("HiveMQ's default").isEqualTo(8);
        assertThat(UnitLink.inFlightLimitFor(20)).as("Mosquitto's default").isEqualTo(18);
        assertThat(UnitLink.inFlightLimitFor(null)).as("not sent").isEqualTo(UnitLink.DEFAULT_IN_FLIGHT_LIMIT);
        assertThat(UnitLink.inFlightLimitFor(65_535)).isEqualTo(UnitLink.MAX_IN_FLIGHT_LIMIT);
        assertThat(UnitLink.inFlightLimitFor(2)).isEqualTo(1);
        assertThat(UnitLink.inFlightLimitFor(1)).isEqualTo(1);
    }

    @Test
    void theWillMustBeAnOfflineStatusOfTheSameUnit() {
        MqttConfig config = config(unusedPort());
        WireCodec codec = new WireCodec();

        assertThatThrownBy(() -> new UnitLink("unit-1", config, codec, status("unit-1", UnitState.BUFFERING), OK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("will status state BUFFERING is not allowed (allowed: OFFLINE)");
        assertThatThrownBy(() -> new UnitLink("unit-1", config, codec, UnitStatus.offline("unit-2", "", "", T), OK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("will status is for unit 'unit-2', not 'unit-1'");
        assertThatThrownBy(() -> new UnitLink("unit/1", config, codec, UnitStatus.offline("unit-1", "", "", T), OK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unit id 'unit/1' is invalid");
    }

    @Test
    void payloadsOfAnotherUnitAreRefused() {
        try (UnitLink link = newLink()) {
            assertThatThrownBy(() -> link.publishStatus(status("unit-2", UnitState.SLEEP)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("status is for unit 'unit-2', not 'unit-1'");
        }
    }

    @Test
    void startingTwiceIsAnError() {
        try (UnitLink link = newLink()) {
            link.start();
            assertThatThrownBy(link::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already started");
        }
    }

    @Test
    void withNoBrokerTheLinkKeepsWhatIsPublishedAndClosesWithinTheFlushTimeout() {
        UnitLink link = newLink();
        link.start();
        link.publishStatus(status("unit-1", UnitState.BUFFERING));
        link.publishEvent(
                new UnitEvent(Payload.VERSION, "unit-1", EventType.MARKER, T, UnitState.BUFFERING, "", Map.of(), 1));
        assertThat(link.isConnected()).isFalse();
        assertThat(link.stats().queued()).isEqualTo(2);

        long started = System.nanoTime();
        link.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isBetween(UnitLink.FLUSH_TIMEOUT.minusMillis(100), UnitLink.FLUSH_TIMEOUT.plusSeconds(2));
        link.publishEvent(
                new UnitEvent(Payload.VERSION, "unit-1", EventType.MARKER, T, UnitState.BUFFERING, "", Map.of(), 2));
        assertThat(link.stats().queued()).as("nothing is taken after close").isEqualTo(2);
    }

    @Test
    void closingALinkThatNeverStartedReturnsAtOnce() {
        UnitLink link = newLink();
        link.publishEvent(
                new UnitEvent(Payload.VERSION, "unit-1", EventType.MARKER, T, UnitState.BUFFERING, "", Map.of(), 1));
        long started = System.nanoTime();

        link.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
        assertThatThrownBy(link::start).isInstanceOf(IllegalStateException.class);
    }

    private static UnitLink newLink() {
        return new UnitLink(
                "unit-1", config(unusedPort()), new WireCodec(), UnitStatus.offline("unit-1", "", "", T), OK);
    }

    private static MqttConfig config(int port) {
        return new MqttConfig("tcp://127.0.0.1:" + port, null, null, null, 2, 1, 1);
    }

    private static UnitStatus status(String unitId, UnitState state) {
        return new UnitStatus(
                Payload.VERSION, unitId, state, true, false, false, "", null, null, null, null, false, true, "", 1, T);
    }

    /** A port nothing listens on: taken from the OS, then released. */
    private static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
