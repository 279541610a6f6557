package org.openbwc.device.core;

/**
 * The evidence writer sealed the current recording at the maximum recording length. The controller ends it and at
 * once starts the next one (cause {@link Cause.Local#LIMIT}), so an incident longer than the limit is kept as consecutive recordings.
 *
 * @param recordingId the recording that was sealed; ignored if it is not the current one (a late report)
 */
public record RecordingLimitReached(String recordingId) implements ControllerInput {}
