package org.openbwc.device.core;

import java.util.Objects;
import org.openbwc.protocol.UnitState;

/**
 * An immutable picture of the recording controller, for status publishing and indicator rendering.
 *
 * <p>Times are monotonic milliseconds. A time field is meaningful only while its flag says so (a monotonic clock may
 * legitimately read 0 or less); otherwise it is 0.
 *
 * @param recordingId set exactly while RECORDING or POST_EVENT
 * @param recordingStartedMillis when the current recording started (resuming from post-event keeps it)
 * @param stopArmed a RECORD hold armed a stop that a RECORD press confirms until {@code stopArmedUntilMillis}
 * @param postEventStartedMillis when the stop was confirmed; set only in POST_EVENT
 * @param postEventUntilMillis when the post-event ends; set only in POST_EVENT
 * @param locating a remote locate is signalling until {@code locateUntilMillis}
 * @param sosRaisedMillis when the current SOS was raised; set only while {@code sos}
 * @param markerCount markers placed in the current recording; the last one at {@code lastMarkerMillis}
 * @param triggerActive last level of the external trigger
 */
public record ControllerSnapshot(
        UnitState state,
        boolean stealth,
        boolean sos,
        boolean docked,
        String recordingId,
        long recordingStartedMillis,
        boolean stopArmed,
        long stopArmedAtMillis,
        long stopArmedUntilMillis,
        long postEventStartedMillis,
        long postEventUntilMillis,
        boolean locating,
        long locateStartedMillis,
        long locateUntilMillis,
        long sosRaisedMillis,
        int markerCount,
        long lastMarkerMillis,
        boolean triggerActive) {
    public ControllerSnapshot {
        Objects.requireNonNull(state, "state is required");
    }

    /** RECORDING or POST_EVENT: evidence is being written. */
    public boolean isRecording() {
        return state.isRecording();
    }

    /** Whether the stop is still armed at {@code nowMillis}, even if no tick has expired it yet. */
    public boolean stopArmedAt(long nowMillis) {
        return stopArmed && nowMillis < stopArmedUntilMillis;
    }

    /** Whether locate is still signalling at {@code nowMillis}, even if no tick has expired it yet. */
    public boolean locatingAt(long nowMillis) {
        return locating && nowMillis < locateUntilMillis;
    }
}
