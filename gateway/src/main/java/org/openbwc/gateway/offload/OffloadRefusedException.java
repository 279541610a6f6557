package org.openbwc.gateway.offload;

/**
 * An offload request the gateway refuses, with the HTTP status the units' listener answers: 400 a bad request, 403 not
 * this unit's recording, 404 no such upload, 409 out of order or at the wrong offset, 413 too long, 422 the recording
 * failed its check, 460 a part did not match the recording's hash journal (the tus protocol's checksum mismatch; the
 * part was cut off and the unit resumes from the offset a HEAD now gives).
 */
public final class OffloadRefusedException extends Exception {
    private final int status;

    public OffloadRefusedException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
