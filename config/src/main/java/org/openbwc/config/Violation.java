package org.openbwc.config;

/**
 * One broken constraint found in a record's values, with a path relative to that record.
 *
 * @param path dotted component path relative to the checked record
 * @param value the offending value as displayed to a person, or null when there is none
 * @param problem what is wrong, phrased to follow the value
 * @param allowed what would be accepted, or null
 * @param related path of the other key involved (e.g. the first user of a pin), appended to the problem; or null
 */
record Violation(String path, String value, String problem, String allowed, String related) {

    Violation(String path, String value, String problem, String allowed) {
        this(path, value, problem, allowed, null);
    }

    /** The problem text with the related key named from the given prefix, e.g. "is already used by gpio.recordButton". */
    String problemWithin(String prefix) {
        return related == null ? problem : problem + " " + prefix + related;
    }
}
