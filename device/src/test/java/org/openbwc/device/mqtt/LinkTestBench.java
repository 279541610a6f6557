package org.openbwc.device.mqtt;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.openbwc.config.MqttConfig;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.CommandRequest;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.MalformedPayloadException;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitLocation;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;
import org.openbwc.protocol.WireCodec;
import org.openbwc.testsupport.TcpProxy;

/**
 * One test's world: a fresh unit id, a {@link TcpProxy} between the link and the broker, a {@link GatewayProbe} on the
 * broker directly, and links built with short timings (keepalive 2 s, connect timeout 2 s, backoff up to 2 s).
 */
final class LinkTestBench implements AutoCloseable {
    static final int KEEPALIVE_SECONDS = 2;
    static final int CONNECT_TIMEOUT_SECONDS = 2;
    static final int RECONNECT_MAX_SECONDS = 2;

    /** A command the handler ran, and on which thread. */
    record HandledCommand(String name, CommandRequest request, String thread) {}

    final String unitId = "u-" + UUID.randomUUID().toString().substring(0, 8);
    final WireCodec codec = new WireCodec();
    final TcpProxy proxy;
    final GatewayProbe probe;
    final UnitStatus will = UnitStatus.offline(unitId, "officer-7", "fw-test", Instant.parse("2025-01-01T00:00:00Z"));
    final List<HandledCommand> handled = new CopyOnWriteArrayList<>();
    /** What the unit's command handler does; tests replace it. */
    volatile CommandHandler behaviour =
            (name, request) -> CommandReply.ok(unitId, name, "done", UnitState.BUFFERING, Instant.now());

    private final List<UnitLink> links = new ArrayList<>();

    LinkTestBench(TestBroker broker) throws MqttException {
        String brokerUrl = broker.url();
        this.proxy = new TcpProxy(brokerUrl);
        this.probe = new GatewayProbe(brokerUrl, unitId);
    }

    /** A link for this bench's unit that reaches the broker through the proxy; not started. */
    UnitLink link() {
        MqttConfig config = new MqttConfig(
                proxy.url(),
                "link-" + unitId,
                null,
                null,
                KEEPALIVE_SECONDS,
                CONNECT_TIMEOUT_SECONDS,
                RECONNECT_MAX_SECONDS);
        UnitLink link = new UnitLink(unitId, config, codec, will, (name, request) -> {
            handled.add(new HandledCommand(name, request, Thread.currentThread().getName()));
            return behaviour.handle(name, request);
        });
        links.add(link);
        return link;
    }

    UnitStatus status(UnitState state, long seq) {
        return new UnitStatus(
                Payload.VERSION,
                unitId,
                state,
                true,
                false,
                false,
                "officer-7",
                null,
                null,
                null,
                null,
                false,
                true,
                "fw-test",
                seq,
                Instant.now());
    }

    UnitEvent event(long seq) {
        return new UnitEvent(
                Payload.VERSION,
                unitId,
                EventType.MARKER,
                Instant.now(),
                UnitState.RECORDING,
                "test",
                Map.of("n", Long.toString(seq)),
                seq);
    }

    UnitLocation location(long seq) {
        return new UnitLocation(
                Payload.VERSION, unitId, 48.2 + seq * 0.001, 16.37, 5.0, null, null, null, Instant.now(), seq);
    }

    <T extends Payload> T decode(GatewayProbe.Received received, Class<T> type) {
        try {
            return codec.decode(received.payload(), type);
        } catch (MalformedPayloadException e) {
            throw new AssertionError("unreadable " + type.getSimpleName() + ": " + received.text(), e);
        }
    }

    List<Long> eventSeqs() {
        return probe.decoded(org.openbwc.protocol.Topics.event(unitId), UnitEvent.class).stream()
                .map(UnitEvent::seq)
                .toList();
    }

    List<UnitStatus> liveStatuses() {
        return probe.decoded(org.openbwc.protocol.Topics.status(unitId), UnitStatus.class);
    }

    @Override
    public void close() throws MqttException {
        // Clean close, not kill: a Will published after the probe cleared the retained status would outlive the test.
        for (UnitLink link : links) link.close();
        try {
            probe.close();
        } finally {
            proxy.close();
        }
    }
}
