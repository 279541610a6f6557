package org.openbwc.gateway.broker;

/**
 * Whether a unit that presents a valid agency certificate may connect now: the enrolled-units directory answers it
 * (a revoked unit keeps a certificate that is still valid cryptographically, so the certificate alone is not enough).
 */
@FunctionalInterface
public interface UnitAdmission {
    /** Admits every unit with a valid certificate, until the enrolled-units directory is plugged in. */
    UnitAdmission ALL = unitId -> true;

    /** Called for each connection attempt of a unit, on a broker thread: must be quick and must not block. */
    boolean admits(String unitId);
}
