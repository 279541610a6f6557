package org.openbwc.protocol;

import org.openbwc.json.JsonNamed;

/** Kinds of unit event published on {@code bwc/v1/<unit>/event}, with their wire names. */
public enum EventType implements JsonNamed {
    STATE_CHANGED("state.changed"),
    RECORDING_STARTED("recording.started"),
    RECORDING_STOPPED("recording.stopped"),
    /** A recording was sealed (manifest signed) and the unit checked it; details say whether it verified. */
    RECORDING_SEALED("recording.sealed"),
    /** A recording found unsealed at boot (power loss) was recovered from its journal and sealed. */
    RECORDING_RECOVERED("recording.recovered"),
    /**
     * The unit could not go on writing a recording (the evidence disk filled from outside, an I/O error); details
     * {@code recordingId}, {@code reason}, {@code sealed} (what was durable was sealed at once) and
     * {@code durationMillis} (when sealed). Gateways raise a critical alert.
     */
    RECORDING_FAILED("recording.failed"),
    /** Storage reached its reserve: the recording was stopped cleanly and no new one can start. */
    STORAGE_RESERVE("storage.reserve"),
    /** The camera or encoder could not start or failed: the unit cannot record evidence until it is fixed. */
    CAMERA_FAILED("camera.failed"),
    /**
     * At boot the unit found recordings but not its evidence (signing) key and made a new one, so that it keeps
     * recording; details {@code newKey}, {@code oldKey} (fingerprints; the old one when the public half survived),
     * {@code recordings}.
     */
    KEY_MISSING("key.missing"),
    STOP_ARMED("recording.stop-armed"),
    MARKER("marker"),
    SOS_RAISED("sos.raised"),
    SOS_CLEARED("sos.cleared"),
    STEALTH_ON("stealth.on"),
    STEALTH_OFF("stealth.off"),
    LOCATE("locate"),
    BATTERY_LOW("battery.low"),
    STORAGE_LOW("storage.low"),
    CLOCK_UNSET("clock.unset"),
    DOCKED("docked"),
    UNDOCKED("undocked"),
    /** The officer assigned to the unit changed ({@code officer.assign}); details {@code officerId}, {@code previous}. */
    OFFICER_CHANGED("officer.changed"),
    /** A dispatch reached the unit, which now alerts the officer; details {@code id}, {@code priority}, {@code replaced}. */
    DISPATCH_RECEIVED("dispatch.received"),
    /** The officer acknowledged a dispatch (FUNCTION double press); details {@code id}. */
    DISPATCH_ACKNOWLEDGED("dispatch.acknowledged"),
    /** The unit came within the arrival radius of its dispatch's incident; details {@code id}, {@code distanceMeters}. */
    DISPATCH_ARRIVED("dispatch.arrived"),
    /** The room's {@code dispatch.cancel} ended the unit's dispatch; details {@code id}. */
    DISPATCH_CANCELLED("dispatch.cancelled"),
    /** A voice call with the control room opened (talk.start); details {@code callId}, {@code by}. */
    CALL_STARTED("call.started"),
    /** A voice call ended; details {@code callId}, {@code by}, {@code durationMillis}, {@code framesDropped}. */
    CALL_ENDED("call.ended"),
    /** The officer asked the control room to call (FUNCTION double press with no dispatch pending). */
    CALL_REQUESTED("call.requested");

    private final String wire;

    EventType(String wire) {
        this.wire = wire;
    }

    /** The name on the wire, e.g. {@code recording.started}. */
    public String wire() {
        return wire;
    }

    @Override
    public String jsonName() {
        return wire;
    }

    /** The type with this wire name; {@link IllegalArgumentException} for an unknown one. */
    public static EventType fromWire(String wire) {
        for (EventType t : values()) if (t.wire.equals(wire)) return t;
        throw new IllegalArgumentException("unknown event type '" + wire + "'");
    }
}
