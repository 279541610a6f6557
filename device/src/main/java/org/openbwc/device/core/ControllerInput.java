package org.openbwc.device.core;

/** Everything the recording controller reacts to; sealed so the controller handles every kind explicitly. */
public sealed interface ControllerInput
        permits ButtonGesture,
                RemoteCommandInput,
                TriggerSignal,
                DockChanged,
                Tick,
                StorageState,
                BatteryState,
                RecordingLimitReached,
                RecordingFailed,
                PositionFix {}
