package org.openbwc.device;

/**
 * What the camera adds to a status: media in the open recording, dropped frames, the signing key and its fingerprint
 * (which the gateway compares with the one pinned at enrolment), live streaming.
 */
record CameraFacts(
        Long recordingMillis, Long droppedFrames, String publicKey, boolean live, int viewers, String evidenceKey) {}
