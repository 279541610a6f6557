package org.openbwc.gateway.fleet;

/**
 * Whether a unit id may feed the fleet registry: the gateway's own check behind the broker's (defence in depth for an
 * external broker that lets a unit in that the agency never enrolled or has revoked).
 */
@FunctionalInterface
public interface Admission {
    /** What the gateway knows of a unit id. */
    enum Verdict {
        ADMITTED,
        NOT_ENROLLED,
        REVOKED
    }

    /** Admits every unit: a gateway without an agency PKI (plain MQTT), and tests of the rooms. */
    Admission EVERYONE = unitId -> Verdict.ADMITTED;

    Verdict verdict(String unitId);

    /** Told once per unit id (per gateway run) that its messages are being dropped, and why. */
    @FunctionalInterface
    interface Refusals {
        void refused(String unitId, Verdict verdict);
    }
}
