package org.openbwc.device.core;

import java.util.Objects;

/** Why the controller did something: a source on the unit itself, or an operator's remote command. */
public sealed interface Cause permits Cause.Local, Cause.Remote {
    /** Causes on the unit itself. */
    enum Local implements Cause {
        /** A button gesture. */
        BUTTON,
        /** An SOS raised with the SOS button (it starts a recording). */
        SOS,
        /** The external trigger's inactive-to-active edge. */
        TRIGGER,
        /** The unit was docked or undocked. */
        DOCK,
        /** The post-event after a confirmed stop ran out. */
        POST_EVENT,
        /** Evidence storage reached its reserve. */
        STORAGE_RESERVE,
        /** The battery fell to its critical level ({@link BatteryState}). */
        BATTERY_CRITICAL,
        /** The evidence writer could not go on writing the recording ({@link RecordingFailed}). */
        WRITE_FAILED,
        /** The evidence writer sealed a recording at the maximum recording length. */
        LIMIT,
        /** A position fix (the unit reached a dispatch's incident). */
        POSITION
    }

    /**
     * A remote command.
     *
     * @param requestedBy who asked (gateway or operator id), as {@link RemoteCommandInput} has it
     */
    record Remote(String requestedBy) implements Cause {
        public Remote {
            Objects.requireNonNull(requestedBy, "requestedBy is required");
        }
    }
}
