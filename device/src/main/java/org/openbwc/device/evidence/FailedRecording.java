package org.openbwc.device.evidence;

/**
 * A recording the writer could not go on writing (the evidence disk filled from outside, an I/O error), and what
 * became of it, so the device can report it ({@code recording.failed}).
 *
 * @param reason why writing failed, one line (e.g. {@code No space left on device})
 * @param sealed true if what was durable was sealed at once, as recovery would, with a signed manifest whose
 *     {@code endReason} is {@code storage-full} or {@code write-failed}; false if that failed too, and the recording
 *     stays unsealed until recovery runs at the next boot
 * @param durationMillis media time sealed, or null when not sealed
 */
public record FailedRecording(String recordingId, String reason, boolean sealed, Long durationMillis) {}
