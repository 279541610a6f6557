package org.openbwc.gateway.alerts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Something the monitoring room must notice, raised from what a unit published or what the gateway saw, with its life
 * cycle: open, acknowledged (someone took it), resolved (it is over).
 *
 * @param officerId the officer the unit was issued to when the alert was raised; "" when unknown
 * @param time when it happened (the unit's time for unit events, the gateway's for a unit going offline)
 * @param acknowledgedBy the operator who acknowledged it; null while open
 * @param ackNote what the operator added when acknowledging; null when nothing
 * @param resolvedBy the operator who resolved it, or {@link #BY_UNIT} when the unit itself ended it (cleared its SOS,
 *     came back online); null until resolved
 * @param resolveNote why it is over; null when nothing was said
 */
public record Alert(
        String id,
        String unitId,
        String officerId,
        Type type,
        Severity severity,
        Instant time,
        String message,
        State state,
        String acknowledgedBy,
        Instant acknowledgedAt,
        String ackNote,
        String resolvedBy,
        Instant resolvedAt,
        String resolveNote) {

    /** {@link #resolvedBy()} of an alert the unit ended itself. */
    public static final String BY_UNIT = "unit";

    public Alert {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(unitId, "unitId");
        officerId = officerId == null ? "" : officerId;
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(time, "time");
        message = message == null ? "" : message;
        Objects.requireNonNull(state, "state");
    }

    /** Where an alert is in its life. */
    public enum State {
        OPEN,
        ACKNOWLEDGED,
        RESOLVED;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Someone took it (or it is over): kept for clients that know only acknowledged or not. */
    @JsonProperty("acknowledged")
    public boolean acknowledged() {
        return state != State.OPEN;
    }

    /** Whether the room still shows it: open, or an acknowledged one that stays until resolved (an SOS). */
    @JsonIgnore
    public boolean active() {
        return state == State.OPEN || (state == State.ACKNOWLEDGED && type.staysUntilResolved());
    }

    /** What the alert is about, with its wire name. */
    public enum Type {
        // SOS and UNIT_OFFLINE stay until resolved (by the unit or a supervisor); the others end when acknowledged.
        SOS("sos"),
        RECORDING_STARTED("recording.started"),
        BATTERY_LOW("battery.low"),
        STORAGE_LOW("storage.low"),
        STORAGE_RESERVE("storage.reserve"),
        CLOCK_UNSET("clock.unset"),
        UNIT_OFFLINE("unit.offline"),
        RECORDING_RECOVERED("recording.recovered"),
        /** The unit could not go on writing a recording (its evidence disk filled from outside, an I/O error). */
        RECORDING_FAILED("recording.failed"),
        CAMERA_FAILED("camera.failed"),
        UNIT_NOT_ENROLLED("unit.not-enrolled"),
        UNIT_REVOKED("unit.revoked"),
        EVIDENCE_KEY_DIFFERS("evidence-key.differs"),
        /** The unit found recordings but not its evidence key, and made a new one: the pinned key no longer signs. */
        KEY_MISSING("key.missing"),
        /**
         * The gateway refused a live uplink naming this unit for its certificate: none, another unit's or a gateway's.
         * Raised by the gateway, not by the unit.
         */
        UPLINK_REFUSED("uplink.refused"),
        /**
         * A second uplink with this unit's own certificate while it streams (its key on another device?); refused, the
         * first stream goes on. A kind of its own, so an open {@link #UPLINK_REFUSED} does not swallow it.
         */
        UPLINK_DUPLICATE("uplink.duplicate"),
        /** The officer asked the room to call (call.requested); resolved when a supervisor's call to the unit starts. */
        CALL_REQUESTED("call.requested");

        private final String wire;

        Type(String wire) {
            this.wire = wire;
        }

        @JsonValue
        public String wire() {
            return wire;
        }

        /** An emergency that stays on screen after acknowledgement, until it is resolved. */
        public boolean staysUntilResolved() {
            return this == SOS;
        }

        /** Ends by itself when the unit ends it (clears its SOS, comes back online). */
        public boolean resolvedByUnit() {
            return this == SOS || this == UNIT_OFFLINE;
        }
    }

    /** How urgently an operator must act. */
    public enum Severity {
        CRITICAL,
        WARNING,
        INFO;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    Alert acknowledge(String by, Instant at, String note) {
        return new Alert(
                id,
                unitId,
                officerId,
                type,
                severity,
                time,
                message,
                State.ACKNOWLEDGED,
                by,
                at,
                note,
                null,
                null,
                null);
    }

    /** Resolving an open alert acknowledges it too, by the same person at the same time. */
    Alert resolve(String by, Instant at, String note) {
        return new Alert(
                id,
                unitId,
                officerId,
                type,
                severity,
                time,
                message,
                State.RESOLVED,
                acknowledgedBy == null ? by : acknowledgedBy,
                acknowledgedAt == null ? at : acknowledgedAt,
                ackNote,
                by,
                at,
                note);
    }
}
