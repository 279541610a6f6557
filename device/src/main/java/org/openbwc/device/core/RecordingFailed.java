package org.openbwc.device.core;

/**
 * The evidence writer could not go on writing the current recording (a disk that filled from outside, an I/O error)
 * and sealed what was durable. The controller ends the recording (cause {@link Cause.Local#WRITE_FAILED}), so that
 * the unit, its indicators and the room stop saying it records when nothing is written.
 *
 * @param recordingId the recording that failed; ignored if it is not the current one (a late report)
 */
public record RecordingFailed(String recordingId) implements ControllerInput {}
