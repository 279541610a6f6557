package org.openbwc.device.core;

import java.util.Objects;
import org.openbwc.protocol.UnitState;

/**
 * Something the controller decided that the outside world should hear about: one kind per wire event, with typed
 * fields. The runtime's telemetry maps each to its wire event; the evidence and the log act on the fields.
 */
public sealed interface ControllerEvent
        permits ControllerEvent.StateChanged,
                ControllerEvent.RecordingStarted,
                ControllerEvent.RecordingStopped,
                ControllerEvent.StopArmed,
                ControllerEvent.MarkerPlaced,
                ControllerEvent.SosRaised,
                ControllerEvent.SosCleared,
                ControllerEvent.StealthOn,
                ControllerEvent.StealthOff,
                ControllerEvent.Locating,
                ControllerEvent.Docked,
                ControllerEvent.Undocked,
                ControllerEvent.StorageReserveReached,
                ControllerEvent.DispatchReceived,
                ControllerEvent.DispatchAcknowledged,
                ControllerEvent.DispatchCancelled,
                ControllerEvent.DispatchArrived,
                ControllerEvent.CallRequested {

    /** The unit's state right after this event. */
    UnitState state();

    /** What caused it. */
    Cause cause();

    /** Monotonic time of the decision. */
    long atMillis();

    /** The state changed; comes before the event that the change belongs to. {@link #state} is {@code to}. */
    record StateChanged(UnitState from, UnitState to, Cause cause, long atMillis) implements ControllerEvent {
        public StateChanged {
            Objects.requireNonNull(from, "from is required");
            Objects.requireNonNull(to, "to is required");
            Objects.requireNonNull(cause, "cause is required");
        }

        @Override
        public UnitState state() {
            return to;
        }
    }

    /**
     * A recording started.
     *
     * @param preEvent the pre-event buffer is its head (it started from BUFFERING)
     * @param continues the recording it continues after that one reached the maximum length, or null
     */
    record RecordingStarted(
            String recordingId, boolean preEvent, String continues, UnitState state, Cause cause, long atMillis)
            implements ControllerEvent {
        public RecordingStarted {
            Objects.requireNonNull(recordingId, "recordingId is required");
            Objects.requireNonNull(state, "state is required");
            Objects.requireNonNull(cause, "cause is required");
        }
    }

    /**
     * A recording really ended (after its post-event, if any).
     *
     * @param markers markers placed in it
     * @param cause what stopped it (not the post-event running out, which is the cause of its state change)
     */
    record RecordingStopped(String recordingId, int markers, UnitState state, Cause cause, long atMillis)
            implements ControllerEvent {
        public RecordingStopped {
            Objects.requireNonNull(recordingId, "recordingId is required");
            Objects.requireNonNull(state, "state is required");
            Objects.requireNonNull(cause, "cause is required");
        }
    }

    /** A RECORD hold armed a stop that a RECORD press confirms within {@code confirmWithinMillis}. */
    record StopArmed(String recordingId, long confirmWithinMillis, UnitState state, long atMillis)
            implements ControllerEvent {
        public StopArmed {
            Objects.requireNonNull(recordingId, "recordingId is required");
            Objects.requireNonNull(state, "state is required");
        }

        @Override
        public Cause cause() {
            return Cause.Local.BUTTON;
        }
    }

    /**
     * A marker was placed in the current recording.
     *
     * @param markerIndex its number in the recording, from 1
     * @param label the operator's label, or null (a button marker has none)
     */
    record MarkerPlaced(String recordingId, int markerIndex, String label, UnitState state, Cause cause, long atMillis)
            implements ControllerEvent {
        public MarkerPlaced {
            Objects.requireNonNull(recordingId, "recordingId is required");
            Objects.requireNonNull(state, "state is required");
            Objects.requireNonNull(cause, "cause is required");
        }
    }

    /**
     * An SOS was raised with the SOS button.
     *
     * @param recordingId the recording it started or found running, or null
     */
    record SosRaised(String recordingId, UnitState state, long atMillis) implements ControllerEvent {
        public SosRaised {
            Objects.requireNonNull(state, "state is required");
        }

        @Override
        public Cause cause() {
            return Cause.Local.SOS;
        }
    }

    /**
     * The SOS was cleared with the SOS button.
     *
     * @param recordingId the recording still running, or null
     */
    record SosCleared(String recordingId, UnitState state, long atMillis) implements ControllerEvent {
        public SosCleared {
            Objects.requireNonNull(state, "state is required");
        }

        @Override
        public Cause cause() {
            return Cause.Local.SOS;
        }
    }

    /** Stealth was turned on: indicators dark and silent. */
    record StealthOn(UnitState state, Cause cause, long atMillis) implements ControllerEvent {
        public StealthOn {
            Objects.requireNonNull(state, "state is required");
            Objects.requireNonNull(cause, "cause is required");
        }
    }

    /** Stealth was turned off. */
    record StealthOff(UnitState state, Cause cause, long atMillis) implements ControllerEvent {
        public StealthOff {
            Objects.requireNonNull(state, "state is required");
            Objects.requireNonNull(cause, "cause is required");
        }
    }

    /** A remote locate signals for {@code durationMillis}. */
    record Locating(long durationMillis, UnitState state, Cause.Remote cause, long atMillis)
            implements ControllerEvent {
        public Locating {
            Objects.requireNonNull(state, "state is required");
            Objects.requireNonNull(cause, "cause is required");
        }
    }

    /** The unit was put into its dock. */
    record Docked(UnitState state, long atMillis) implements ControllerEvent {
        public Docked {
            Objects.requireNonNull(state, "state is required");
        }

        @Override
        public Cause cause() {
            return Cause.Local.DOCK;
        }
    }

    /** The unit was taken out of its dock. */
    record Undocked(UnitState state, long atMillis) implements ControllerEvent {
        public Undocked {
            Objects.requireNonNull(state, "state is required");
        }

        @Override
        public Cause cause() {
            return Cause.Local.DOCK;
        }
    }

    /** Storage reached its reserve: a recording in progress was ended, no new one starts until storage is freed. */
    record StorageReserveReached(UnitState state, long atMillis) implements ControllerEvent {
        public StorageReserveReached {
            Objects.requireNonNull(state, "state is required");
        }

        @Override
        public Cause cause() {
            return Cause.Local.STORAGE_RESERVE;
        }
    }

    /**
     * A dispatch arrived and now alerts the officer until acknowledged.
     *
     * @param replaced the id of the dispatch it replaced (a unit is on one at a time), or null
     */
    record DispatchReceived(DispatchOrder order, String replaced, UnitState state, Cause cause, long atMillis)
            implements ControllerEvent {
        public DispatchReceived {
            Objects.requireNonNull(order, "order is required");
            Objects.requireNonNull(state, "state is required");
            Objects.requireNonNull(cause, "cause is required");
        }
    }

    /** The officer acknowledged the dispatch with a FUNCTION double press. */
    record DispatchAcknowledged(String dispatchId, UnitState state, long atMillis) implements ControllerEvent {
        public DispatchAcknowledged {
            Objects.requireNonNull(dispatchId, "dispatchId is required");
            Objects.requireNonNull(state, "state is required");
        }

        @Override
        public Cause cause() {
            return Cause.Local.BUTTON;
        }
    }

    /** The room withdrew the dispatch: the alert and the 1 s positions stop. */
    record DispatchCancelled(String dispatchId, UnitState state, Cause cause, long atMillis)
            implements ControllerEvent {
        public DispatchCancelled {
            Objects.requireNonNull(dispatchId, "dispatchId is required");
            Objects.requireNonNull(state, "state is required");
            Objects.requireNonNull(cause, "cause is required");
        }
    }

    /** A position fix put the unit within the arrival radius of the incident: the dispatch is done. */
    record DispatchArrived(String dispatchId, double distanceMeters, UnitState state, long atMillis)
            implements ControllerEvent {
        public DispatchArrived {
            Objects.requireNonNull(dispatchId, "dispatchId is required");
            Objects.requireNonNull(state, "state is required");
        }

        @Override
        public Cause cause() {
            return Cause.Local.POSITION;
        }
    }

    /** The officer asked the control room to call them back (FUNCTION double press with no dispatch pending). */
    record CallRequested(UnitState state, long atMillis) implements ControllerEvent {
        public CallRequested {
            Objects.requireNonNull(state, "state is required");
        }

        @Override
        public Cause cause() {
            return Cause.Local.BUTTON;
        }
    }
}
