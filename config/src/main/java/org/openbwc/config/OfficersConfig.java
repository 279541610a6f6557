package org.openbwc.config;

import java.util.Map;

/** The gateway's policy for officers assigned to units. */
public record OfficersConfig(
        @Doc("Unassign a unit's officer when the unit is docked (the check-in at the end of a shift): the next shift"
                + " checks it out again with `bwc gateway assign`. False (the default): the officer stays assigned"
                + " until an operator unassigns.")
        @DefaultValue("false")
        boolean unassignOnDock) {

    /** Officers stay assigned through docking. */
    public static OfficersConfig defaults() {
        return (OfficersConfig) RecordSpec.of(OfficersConfig.class).defaults(Map.of());
    }
}
