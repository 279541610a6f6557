package org.openbwc.gateway.alerts;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Locale;

/**
 * Something the monitoring room must notice and acknowledge, raised from what a unit published.
 *
 * @param time when it happened (the unit's time for unit events, the gateway's for a unit going offline)
 * @param acknowledgedBy the operator who acknowledged it; null while open
 */
public record Alert(
        String id,
        String unitId,
        Type type,
        Severity severity,
        Instant time,
        String message,
        boolean acknowledged,
        String acknowledgedBy,
        Instant acknowledgedAt) {

    /** What the alert is about, with its wire name. */
    public enum Type {
        SOS("sos"),
        RECORDING_STARTED("recording.started"),
        BATTERY_LOW("battery.low"),
        STORAGE_LOW("storage.low"),
        STORAGE_RESERVE("storage.reserve"),
        CLOCK_UNSET("clock.unset"),
        UNIT_OFFLINE("unit.offline"),
        RECORDING_RECOVERED("recording.recovered"),
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
        UPLINK_DUPLICATE("uplink.duplicate");

        private final String wire;

        Type(String wire) {
            this.wire = wire;
        }

        @JsonValue
        public String wire() {
            return wire;
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

    Alert acknowledge(String by, Instant at) {
        return new Alert(id, unitId, type, severity, time, message, true, by, at);
    }
}
