package org.openbwc.gateway.identity;

/**
 * An enrolment the gateway refuses, with the HTTP status the units' listener answers (400 bad request or CSR, 401
 * unknown, expired or used token, 409 revoked unit, 429 throttled, 503 no agency CA) and a reason the unit logs.
 */
public final class EnrolmentRefusedException extends RuntimeException {
    /** The one answer for every token problem, so someone guessing tokens or unit ids learns nothing. */
    public static final String BAD_TOKEN = "the enrolment token is unknown, expired or already used; an administrator"
            + " issues a new one with `bwc gateway unit add UNIT-ID` (a token is good for one enrolment, for 24 hours;"
            + " an enrolled unit needs a new one to enrol again)";

    private final int status;

    public EnrolmentRefusedException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
