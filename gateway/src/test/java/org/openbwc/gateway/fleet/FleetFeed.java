package org.openbwc.gateway.fleet;

import org.openbwc.protocol.StreamHandle;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitLocation;
import org.openbwc.protocol.UnitStatus;

/** Feeds a {@link FleetRegistry} directly, as the ingest does, for the tests of the rooms that read the fleet. */
public final class FleetFeed {

    private final FleetRegistry registry;

    public FleetFeed(FleetRegistry registry) {
        this.registry = registry;
    }

    /** See {@link FleetRegistry#applyStatus}. */
    public boolean applyStatus(UnitStatus status, boolean retained) {
        return registry.applyStatus(status, retained);
    }

    public boolean applyLocation(UnitLocation location, boolean retained) {
        return registry.applyLocation(location, retained);
    }

    public void applyStream(StreamHandle stream, boolean retained) {
        registry.applyStream(stream, retained);
    }

    public void applyEvent(UnitEvent event, boolean retained) {
        registry.applyEvent(event, retained);
    }

    public void forget(String unitId) {
        registry.forget(unitId);
    }
}
