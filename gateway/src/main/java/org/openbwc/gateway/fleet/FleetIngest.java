package org.openbwc.gateway.fleet;

import java.util.Objects;
import org.openbwc.gateway.fleet.DroppedMessages.Reason;
import org.openbwc.protocol.MalformedPayloadException;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.StreamHandle;
import org.openbwc.protocol.Topics;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitLocation;
import org.openbwc.protocol.UnitStatus;
import org.openbwc.protocol.WireCodec;
import org.tinylog.Logger;

/**
 * Turns what the fleet publishes into {@link FleetRegistry} updates: checks each message's topic, size and unit,
 * decodes its payload and applies it; whatever does not fit is counted in {@link DroppedMessages} and dropped. Runs on
 * Paho's callback thread, so nothing here blocks.
 */
public final class FleetIngest {

    private final FleetRegistry registry;
    private final WireCodec codec;
    private final int maxPayloadBytes;
    private final DroppedMessages drops;

    public FleetIngest(FleetRegistry registry, WireCodec codec, int maxPayloadBytes, DroppedMessages drops) {
        this.registry = Objects.requireNonNull(registry, "registry is required");
        this.codec = Objects.requireNonNull(codec, "codec is required");
        this.maxPayloadBytes = maxPayloadBytes;
        this.drops = Objects.requireNonNull(drops, "drops is required");
    }

    /** One message on a fleet topic; {@code retained} when the broker replayed it from its retained store. */
    void accept(String topic, byte[] payload, boolean retained) {
        var address = Topics.parse(topic);
        if (address.isEmpty() || address.get().kind() == Topics.TopicKind.COMMAND) {
            drops.record(
                    Reason.UNKNOWN_TOPIC,
                    DroppedMessages.abbreviate(topic),
                    "topic '" + DroppedMessages.abbreviate(topic) + "' is not part of the " + Topics.ROOT
                            + " contract (" + payload.length + " bytes)");
            return;
        }
        String unitId = address.get().unitId();
        Topics.TopicKind kind = address.get().kind();
        if (payload.length == 0) {
            // An empty retained payload is how a retained message is cleared: the unit left the fleet.
            switch (kind) {
                case STATUS -> registry.forget(unitId);
                case LOCATION -> registry.clearLocation(unitId);
                case STREAM -> registry.clearStream(unitId);
                default -> drops.record(Reason.INVALID_PAYLOAD, unitId, "empty payload on " + topic);
            }
            return;
        }
        if (payload.length > maxPayloadBytes) {
            drops.record(
                    Reason.OVERSIZED,
                    unitId,
                    "payload of " + payload.length + " bytes on " + topic + " exceeds the limit of " + maxPayloadBytes
                            + " (maxPayloadBytes)");
            return;
        }
        Logger.trace("Message on {} ({} bytes, retained {})", topic, payload.length, retained);
        switch (kind) {
            case STATUS -> {
                UnitStatus s = decode(payload, UnitStatus.class, unitId, topic);
                if (s != null && sameUnit(s.unitId(), unitId, topic)) registry.applyStatus(s, retained);
            }
            case LOCATION -> {
                UnitLocation l = decode(payload, UnitLocation.class, unitId, topic);
                if (l != null && sameUnit(l.unitId(), unitId, topic)) registry.applyLocation(l, retained);
            }
            case EVENT -> {
                UnitEvent e = decode(payload, UnitEvent.class, unitId, topic);
                if (e != null && sameUnit(e.unitId(), unitId, topic)) registry.applyEvent(e, retained);
            }
            case STREAM -> {
                StreamHandle h = decode(payload, StreamHandle.class, unitId, topic);
                if (h != null && sameUnit(h.unitId(), unitId, topic)) registry.applyStream(h, retained);
            }
            default -> throw new IllegalStateException("unreachable: " + kind);
        }
    }

    private <T extends Payload> T decode(byte[] payload, Class<T> type, String unitId, String topic) {
        try {
            return codec.decode(payload, type);
        } catch (MalformedPayloadException e) {
            drops.record(
                    DroppedMessages.classify(payload, maxPayloadBytes), unitId, e.getMessage() + " (on " + topic + ")");
            return null;
        }
    }

    private boolean sameUnit(String payloadUnit, String topicUnit, String topic) {
        if (payloadUnit.equals(topicUnit)) return true;
        drops.record(
                Reason.UNIT_MISMATCH, topicUnit, "payload names unit '" + payloadUnit + "' but arrived on " + topic);
        return false;
    }
}
