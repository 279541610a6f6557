package org.openbwc.gateway.identity;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.UnitView;
import org.tinylog.Logger;

/**
 * Compares the evidence key each unit reports in its status with the one pinned when it enrolled, and reports a
 * difference once per reported key: a unit whose key changed (a lost key file, a swapped card, another device using
 * its certificate) signs recordings the pinned key does not verify.
 */
public final class EvidenceKeyWatch implements FleetRegistry.Listener {
    /** Told about a unit whose reported key differs from its pinned one; runs on the MQTT thread, must not block. */
    @FunctionalInterface
    public interface Mismatch {
        void differs(String unitId, String reported, String pinned);
    }

    private final UnitDirectory directory;
    private final Mismatch mismatch;
    // The key last reported as different, per unit; bounded by the units in the registry.
    private final Map<String, String> reported = new ConcurrentHashMap<>();

    public EvidenceKeyWatch(UnitDirectory directory, Mismatch mismatch) {
        this.directory = Objects.requireNonNull(directory, "directory is required");
        this.mismatch = Objects.requireNonNull(mismatch, "mismatch is required");
    }

    @Override
    public void unitChanged(UnitView unit) {
        String key = unit.evidenceKey();
        if (key == null) return;
        String pinned = directory
                .find(unit.id())
                .map(EnrolledUnit::evidenceKeyFingerprint)
                .orElse(null);
        if (pinned == null || pinned.equals(key)) {
            reported.remove(unit.id());
            return;
        }
        if (key.equals(reported.put(unit.id(), key))) return;
        Logger.warn(
                "Unit {} reports evidence key {}, which differs from the one pinned at enrolment ({})",
                unit.id(),
                key,
                pinned);
        mismatch.differs(unit.id(), key, pinned);
    }

    @Override
    public void unitRemoved(String unitId) {
        reported.remove(unitId);
    }
}
