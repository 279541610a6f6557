package org.openbwc.gateway.fleet;

import java.util.LinkedHashMap;
import java.util.Map;
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
 * whether the unit is admitted ({@link Admission}: enrolled and not revoked), decodes its payload and applies it;
 * whatever does not fit is counted in {@link DroppedMessages} and dropped. Runs on Paho's callback thread, so nothing
 * here blocks.
 */
public final class FleetIngest {

    /** Bounds the memory of refused unit ids, which a misbehaving broker client chooses. */
    static final int MAX_REFUSED_UNITS = 10_000;

    private final FleetRegistry registry;
    private final WireCodec codec;
    private final int maxPayloadBytes;
    private final DroppedMessages drops;
    private final Admission admission;
    private final Admission.Refusals refusals;
    private final EventReceipts receipts;
    // The verdict each refused unit was last reported with: one report per unit and verdict, not one per message.
    private final Map<String, Admission.Verdict> reported = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Admission.Verdict> eldest) {
            return size() > MAX_REFUSED_UNITS;
        }
    };

    /** An ingest that admits every unit (a gateway without an agency PKI). */
    public FleetIngest(FleetRegistry registry, WireCodec codec, int maxPayloadBytes, DroppedMessages drops) {
        this(registry, codec, maxPayloadBytes, drops, Admission.EVERYONE, (unitId, verdict) -> {});
    }

    /**
     * @param admission which units may feed the registry
     * @param refusals told once per unit id and verdict that a unit's messages are dropped (raises the alert)
     */
    public FleetIngest(
            FleetRegistry registry,
            WireCodec codec,
            int maxPayloadBytes,
            DroppedMessages drops,
            Admission admission,
            Admission.Refusals refusals) {
        this(registry, codec, maxPayloadBytes, drops, admission, refusals, null);
    }

    /**
     * @param receipts drops copies of events already taken in and acknowledges every event to its unit; null for a
     *     gateway that acknowledges nothing (units then keep re-sending their events)
     */
    public FleetIngest(
            FleetRegistry registry,
            WireCodec codec,
            int maxPayloadBytes,
            DroppedMessages drops,
            Admission admission,
            Admission.Refusals refusals,
            EventReceipts receipts) {
        this.receipts = receipts;
        this.registry = Objects.requireNonNull(registry, "registry is required");
        this.codec = Objects.requireNonNull(codec, "codec is required");
        this.maxPayloadBytes = maxPayloadBytes;
        this.drops = Objects.requireNonNull(drops, "drops is required");
        this.admission = Objects.requireNonNull(admission, "admission is required");
        this.refusals = Objects.requireNonNull(refusals, "refusals is required");
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
        if (!admitted(unitId, topic, payload.length)) return;
        if (payload.length == 0) {
            // An empty retained payload is how a retained message is cleared. A location or a stream handle may go;
            // a status may not take the unit with it: its events, recordings and a standing SOS are the agency's
            // record, and forgetting a unit is an admin's act (revocation), not something a message can do.
            switch (kind) {
                case STATUS ->
                    drops.record(
                            Reason.INVALID_PAYLOAD,
                            unitId,
                            "empty status on " + topic + " ignored: an empty message never removes a unit (revoke it"
                                    + " to take it out of the fleet)");
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
                if (e != null && sameUnit(e.unitId(), unitId, topic)) {
                    // Applied first, acknowledged after: a receipt means the room has it.
                    if (receipts == null || receipts.isFirst(e)) registry.applyEvent(e, retained);
                    if (receipts != null) receipts.acknowledge(e);
                }
            }
            case STREAM -> {
                StreamHandle h = decode(payload, StreamHandle.class, unitId, topic);
                if (h != null && sameUnit(h.unitId(), unitId, topic)) registry.applyStream(h, retained);
            }
            default -> throw new IllegalStateException("unreachable: " + kind);
        }
    }

    /**
     * The gateway's link to the broker went down or came back (subscribed): while it is down, what the registry shows
     * is what was last known, and it says so.
     */
    void linkChanged(boolean up) {
        registry.linkChanged(up);
    }

    /** Drops a message from a unit that is not enrolled or was revoked, and reports the unit once. */
    private boolean admitted(String unitId, String topic, int bytes) {
        Admission.Verdict verdict = admission.verdict(unitId);
        if (verdict == Admission.Verdict.ADMITTED) return true;
        boolean revoked = verdict == Admission.Verdict.REVOKED;
        drops.record(
                revoked ? Reason.REVOKED : Reason.NOT_ENROLLED,
                unitId,
                (revoked ? "unit " + unitId + " was revoked" : "unit " + unitId + " is not enrolled at this gateway")
                        + "; its message on " + topic + " (" + bytes + " bytes) is ignored");
        boolean first;
        synchronized (reported) {
            first = reported.put(unitId, verdict) != verdict;
        }
        if (first) {
            if (revoked) registry.markRevoked(unitId);
            try {
                refusals.refused(unitId, verdict);
            } catch (RuntimeException e) {
                Logger.error(e, "Reporting the refused unit {} failed", unitId);
            }
        }
        return false;
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
