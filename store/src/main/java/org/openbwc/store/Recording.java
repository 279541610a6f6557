package org.openbwc.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One recording in the index: what the unit's manifest says of it, where its media is, and what the store found.
 *
 * @param endedAt null while it is being recorded or not yet reported
 * @param durationMicros media time of all fragments; null until known
 * @param endReason the manifest's end reason ({@code stopped}, {@code recovered}, ...); null until known
 * @param category the retention category; null until categorized
 * @param manifestSignature the manifest's base64 signature; null until the manifest arrived
 * @param keyFingerprint the fingerprint of the unit key that signed the manifest
 * @param verified the store's check of hashes and signature: null until checked
 * @param verificationProblem what failed, when {@code verified} is false
 * @param bytes media bytes in the store
 */
public record Recording(
        String id,
        String unitId,
        String officerId,
        Instant startedAt,
        Instant endedAt,
        Long durationMicros,
        String endReason,
        String category,
        boolean legalHold,
        OffloadState offloadState,
        String manifestSignature,
        String keyFingerprint,
        Boolean verified,
        String verificationProblem,
        long bytes) {

    public Recording {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("a recording needs an id");
        if (unitId == null || unitId.isBlank()) throw new IllegalArgumentException("recording " + id + " has no unit");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(offloadState, "offloadState");
        startedAt = Times.micros(startedAt);
        endedAt = Times.micros(endedAt);
        if (endedAt != null && endedAt.isBefore(startedAt)) {
            throw new IllegalArgumentException(
                    "recording " + id + " ends at " + endedAt + ", before it starts at " + startedAt);
        }
        if (durationMicros != null && durationMicros < 0) {
            throw new IllegalArgumentException("recording " + id + " has a negative duration " + durationMicros);
        }
        if (bytes < 0) throw new IllegalArgumentException("recording " + id + " has negative bytes " + bytes);
    }
}
