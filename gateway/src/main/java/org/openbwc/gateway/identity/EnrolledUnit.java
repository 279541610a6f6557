package org.openbwc.gateway.identity;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One unit in the agency's directory ({@code units.json}): whether it is waiting to enrol, enrolled or revoked, the
 * SHA-256 of its one-time token while one is open, its certificate, and the evidence key pinned when it enrolled.
 *
 * @param tokenHash SHA-256 (hex) of the open enrolment token; null when none is open (never issued, used, or the
 *     unit was revoked). The token itself is never stored
 * @param certificateSerial the serial (hex) of the unit's newest certificate; null until it enrols
 * @param serials every certificate serial (hex) issued to the unit, oldest first: a revocation lists them all
 * @param evidenceKey the unit's Ed25519 evidence-signing key as base64 X.509 DER (as manifests and the status carry
 *     it), pinned at enrolment; null until it enrols
 * @param evidenceKeyFingerprint {@code ed25519:<sha-256 hex>} of {@link #evidenceKey}
 */
public record EnrolledUnit(
        String id,
        State state,
        Instant addedAt,
        String tokenHash,
        Instant tokenExpiresAt,
        Instant enrolledAt,
        String certificateSerial,
        Instant certificateExpiresAt,
        List<String> serials,
        String evidenceKey,
        String evidenceKeyFingerprint,
        Instant revokedAt) {

    /** Where a unit stands with the agency. */
    public enum State {
        /** Added by an administrator, not enrolled yet. */
        PENDING,
        /** Holds a certificate from the agency CA. */
        ENROLLED,
        /** Refused from now on; final for the unit id. */
        REVOKED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static State fromWire(String s) {
            for (State v : values()) if (v.wire().equals(s)) return v;
            throw new IllegalArgumentException("unknown state '" + s + "' (allowed: pending, enrolled, revoked)");
        }
    }

    public EnrolledUnit {
        Objects.requireNonNull(id, "id is required");
        Objects.requireNonNull(state, "state is required");
        Objects.requireNonNull(addedAt, "addedAt is required");
        serials = serials == null ? List.of() : List.copyOf(serials);
    }

    /** A unit just added, with an open token. */
    static EnrolledUnit pending(String id, Instant now, String tokenHash, Instant tokenExpiresAt) {
        return new EnrolledUnit(
                id, State.PENDING, now, tokenHash, tokenExpiresAt, null, null, null, List.of(), null, null, null);
    }

    /** Whether a token is open at {@code now}: issued, unused and not expired. */
    public boolean tokenOpen(Instant now) {
        return tokenHash != null && tokenExpiresAt != null && now.isBefore(tokenExpiresAt);
    }

    EnrolledUnit withToken(String hash, Instant expiresAt) {
        return new EnrolledUnit(
                id,
                state,
                addedAt,
                hash,
                expiresAt,
                enrolledAt,
                certificateSerial,
                certificateExpiresAt,
                serials,
                evidenceKey,
                evidenceKeyFingerprint,
                revokedAt);
    }

    EnrolledUnit enrolled(
            Instant at, String serial, Instant certificateExpires, String evidenceKey, String evidenceFingerprint) {
        List<String> all = new java.util.ArrayList<>(serials);
        all.add(serial);
        return new EnrolledUnit(
                id,
                State.ENROLLED,
                addedAt,
                null,
                null,
                at,
                serial,
                certificateExpires,
                all,
                evidenceKey,
                evidenceFingerprint,
                null);
    }

    EnrolledUnit revoked(Instant at) {
        return new EnrolledUnit(
                id,
                State.REVOKED,
                addedAt,
                null,
                null,
                enrolledAt,
                certificateSerial,
                certificateExpiresAt,
                serials,
                evidenceKey,
                evidenceKeyFingerprint,
                at);
    }
}
