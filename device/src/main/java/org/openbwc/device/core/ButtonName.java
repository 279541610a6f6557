package org.openbwc.device.core;

/** The physical buttons of the unit, as the gesture decoder and the controller know them. */
public enum ButtonName {
    /** Starts (double press) and stops (hold, then press) a recording. */
    RECORD,
    /** Places a marker (press) and toggles stealth (hold). */
    FUNCTION,
    /** Raises and clears an SOS (hold). */
    SOS
}
