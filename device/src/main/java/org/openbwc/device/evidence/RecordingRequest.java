package org.openbwc.device.evidence;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything the writer needs to start a recording.
 *
 * @param recordingId names the recording's directory: letters, digits, {@code . _ -}, up to 128 characters
 * @param officerId may be null when no officer is assigned to the unit
 * @param trigger what started it: {@code button}, {@code remote}, {@code sos} or {@code trigger}
 * @param startedAt the trigger instant on the device clock
 * @param clockSource where the device clock came from (e.g. {@code gnss}, {@code ntp}, {@code rtc}, {@code none})
 * @param clockSet whether the clock was set from a trusted source when the recording started
 * @param clockOffsetMillis the device clock minus the reference, when known; null otherwise
 * @param preEvent the pre-event buffer's snapshot to prepend; null or empty for none (then, or with
 *     {@link EvidenceWriter#open(RecordingRequest, PreEventBuffer)}, the writer starts at the next keyframe)
 */
public record RecordingRequest(
        String recordingId,
        String unitId,
        String officerId,
        String trigger,
        Instant startedAt,
        String clockSource,
        boolean clockSet,
        Long clockOffsetMillis,
        PreEventSnapshot preEvent) {
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    public RecordingRequest {
        Objects.requireNonNull(recordingId, "recordingId is required");
        if (!SAFE_ID.matcher(recordingId).matches() || recordingId.contains("..")) {
            throw new IllegalArgumentException("recordingId '" + recordingId
                    + "' is not a safe directory name (allowed: letters, digits, . _ -, up to 128, no '..')");
        }
        Objects.requireNonNull(unitId, "unitId is required");
        Objects.requireNonNull(startedAt, "startedAt is required");
        Objects.requireNonNull(trigger, "trigger is required");
        if (!WORD.matcher(trigger).matches()) {
            throw new IllegalArgumentException(
                    "trigger '" + trigger + "' is not a lowercase word (button, remote, sos, trigger)");
        }
        Objects.requireNonNull(clockSource, "clockSource is required");
    }

    /** A copy carrying another pre-event snapshot. */
    public RecordingRequest withPreEvent(PreEventSnapshot snapshot) {
        return new RecordingRequest(
                recordingId, unitId, officerId, trigger, startedAt, clockSource, clockSet, clockOffsetMillis, snapshot);
    }
}
