package org.openbwc.device;

/** What the camera adds to a status: media in the open recording, dropped frames, the signing key, live streaming. */
record CameraFacts(Long recordingMillis, Long droppedFrames, String publicKey, boolean live, int viewers) {}
