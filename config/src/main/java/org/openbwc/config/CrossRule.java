package org.openbwc.config;

import java.util.List;

/** A constraint over several keys of one record, shared by its constructor and the YAML binder. */
interface CrossRule {
    /**
     * Adds a violation for each broken constraint.
     *
     * @param values looks up a dotted path relative to the record; yields {@link Constraints#INVALID} for values that
     *     already failed their own checks (so a rule does not pile a second problem onto them), null for absent ones
     */
    void check(ValueLookup values, List<Violation> out);

    /** Looks up a component value by dotted path, e.g. {@code "recordButton.pin"}. */
    @FunctionalInterface
    interface ValueLookup {
        /** The value, null if absent, or {@link Constraints#INVALID}. */
        Object get(String path);
    }
}
