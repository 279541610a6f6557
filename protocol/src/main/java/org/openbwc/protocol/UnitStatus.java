package org.openbwc.protocol;

import java.time.Instant;
import java.util.Objects;

/**
 * Retained snapshot of a unit on {@code bwc/v1/<unit>/status}; the Will publishes the same record with state OFFLINE.
 *
 * @param recordingId id of the current recording, null when not recording
 * @param recordingSince when the current recording started, null when not recording
 * @param seq per-unit counter, increasing across reconnects within one process, so a reader can order snapshots
 */
public record UnitStatus(int version, String unitId, UnitState state, boolean online, boolean stealth, boolean sos,
                         String officerId, Battery battery, Storage storage, String recordingId, Instant recordingSince,
                         boolean live, boolean clockSet, String firmware, long seq, Instant time) implements Payload {
    public UnitStatus {
        Payload.checkVersion(version);
        Topics.requireId(unitId, "unitId");
        Objects.requireNonNull(state, "state is required");
        Objects.requireNonNull(time, "time is required");
        officerId = officerId == null ? "" : officerId;
        firmware = firmware == null ? "" : firmware;
    }

    /** The Will: what the broker publishes, retained, when the unit vanishes without a clean disconnect. */
    public static UnitStatus offline(String unitId, String officerId, String firmware, Instant time) {
        return new UnitStatus(Payload.VERSION, unitId, UnitState.OFFLINE, false, false, false, officerId,
                null, null, null, null, false, true, firmware, 0, time);
    }
}
