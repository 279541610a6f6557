package org.openbwc.protocol;

/** Recording state of a unit as reported on the wire; OFFLINE is only ever published by the MQTT Will. */
public enum UnitState {
    /** Camera off (docked, charging, or powered down); nothing is buffered. */
    SLEEP,
    /** Camera on, pre-event buffer filling, nothing kept yet. */
    BUFFERING,
    /** Evidence is being recorded. */
    RECORDING,
    /** Stop was confirmed; recording continues for postEventSeconds, then BUFFERING. */
    POST_EVENT,
    /** The unit lost its connection to the broker (Will message) or shut down. */
    OFFLINE;

    public boolean isRecording() {
        return this == RECORDING || this == POST_EVENT;
    }
}
