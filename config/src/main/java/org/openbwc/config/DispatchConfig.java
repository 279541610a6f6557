package org.openbwc.config;

import java.util.Map;

/** Dispatching officers to incidents: how the monitoring room estimates when a unit would get there. */
public record DispatchConfig(
        @Doc("Speed in m/s an ETA assumes for a unit whose recent speed (from its last positions) is unknown or slower:"
                + " 1.4 is a brisk walk, for foot patrols; an agency whose units drive might set 8 (about 30 km/h in"
                + " town).")
        @DefaultValue("1.4")
        @DecimalRange(min = 0.1, max = 60)
        double defaultSpeedMps) {

    public DispatchConfig {
        Constraints.check(DispatchConfig.class, defaultSpeedMps);
    }

    /** A walk. */
    public static DispatchConfig defaults() {
        return (DispatchConfig) RecordSpec.of(DispatchConfig.class).defaults(Map.of());
    }
}
