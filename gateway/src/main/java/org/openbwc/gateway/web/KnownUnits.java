package org.openbwc.gateway.web;

import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.UnitView;

/** Looks a unit up for a route: the registry's view of it, or a 404 saying this gateway never heard of it. */
final class KnownUnits {

    private final FleetRegistry registry;
    private final String gatewayId;

    KnownUnits(FleetRegistry registry, String gatewayId) {
        this.registry = registry;
        this.gatewayId = gatewayId;
    }

    UnitView get(String id) {
        return registry.unit(id)
                .orElseThrow(() -> new ApiError(
                        404,
                        "unit '" + id + "' is not known to gateway " + gatewayId
                                + " (it has never published a status, location or event)",
                        id));
    }
}
