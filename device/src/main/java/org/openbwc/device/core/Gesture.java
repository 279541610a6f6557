package org.openbwc.device.core;

/** What a button did, decoded from its raw edges. */
public enum Gesture {
    /** A short press, reported on release. */
    PRESS,
    /** The second of two short presses released close together; reported alongside that second PRESS. */
    DOUBLE_PRESS,
    /** The button has been held past its threshold; reported once, while still held. */
    HOLD
}
