package org.openbwc.gateway.dispatch;

import java.time.Instant;
import java.util.Map;
import org.openbwc.gateway.fleet.FleetFeed;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.protocol.Battery;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.Storage;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitLocation;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;

/** Puts units into a registry as the ingest would: online or offline, at a position, with dispatch events. */
final class DispatchFleet {
    final FleetRegistry registry;
    private final FleetFeed feed;
    private long seq;

    DispatchFleet(FleetRegistry registry) {
        this.registry = registry;
        this.feed = new FleetFeed(registry);
    }

    DispatchFleet unit(String id, boolean online, double lat, double lon, Instant at) {
        feed.applyStatus(
                new UnitStatus(
                        Payload.VERSION,
                        id,
                        online ? UnitState.BUFFERING : UnitState.OFFLINE,
                        online,
                        false,
                        false,
                        "officer-" + id,
                        new Battery(77, false, false),
                        new Storage(10, 100),
                        null,
                        null,
                        false,
                        true,
                        "1.0.0",
                        ++seq,
                        at),
                false);
        return at(id, lat, lon, at);
    }

    DispatchFleet at(String id, double lat, double lon, Instant at) {
        feed.applyLocation(new UnitLocation(Payload.VERSION, id, lat, lon, 4.0, null, null, null, at, ++seq), false);
        return this;
    }

    void event(String id, EventType type, Map<String, String> details, Instant at) {
        feed.applyEvent(
                new UnitEvent(Payload.VERSION, id, type, at, UnitState.BUFFERING, "button", details, ++seq), false);
    }
}
