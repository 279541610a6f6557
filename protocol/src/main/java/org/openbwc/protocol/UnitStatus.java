package org.openbwc.protocol;

import java.time.Instant;
import java.util.Objects;

/**
 * Retained snapshot of a unit on {@code bwc/v1/<unit>/status}; the Will publishes the same record with state OFFLINE.
 *
 * @param recordingId id of the current recording, null when not recording
 * @param recordingSince when the current recording started, null when not recording
 * @param seq per-unit counter, increasing across reconnects within one process, so a reader can order snapshots
 * @param recordingMillis media recorded so far in the current recording (pre-event included); null when not recording
 * @param droppedFrames frames the camera pipeline dropped since it started (0 is the goal); null without a camera
 * @param publicKey the unit's Ed25519 evidence-signing key (X.509 DER, base64), so a gateway can verify recordings
 * @param signalPercent quality of the unit's radio link 0-100; null when the unit cannot tell
 * @param viewers how many people watch the unit live right now (as the gateway told it); null when not streaming
 * @param evidenceKey fingerprint of the evidence-signing key ({@code ed25519:} and the SHA-256 of its X.509 encoding
 *     in hex), which the gateway compares with the one pinned at enrolment; null from units before it existed
 * @param bootId random id of the unit's current run (one per process start), so a reader orders snapshots by
 *     {@code seq} within a run and never by the unit's clock, which may jump; null from units before it existed
 * @param offloadBacklog recordings sealed on the unit and not yet in the agency's evidence store; null from a unit that
 *     does not offload (or from before it existed)
 */
public record UnitStatus(
        int version,
        String unitId,
        UnitState state,
        boolean online,
        boolean stealth,
        boolean sos,
        String officerId,
        Battery battery,
        Storage storage,
        String recordingId,
        Instant recordingSince,
        boolean live,
        boolean clockSet,
        String firmware,
        long seq,
        Instant time,
        Long recordingMillis,
        Long droppedFrames,
        String publicKey,
        Integer signalPercent,
        Integer viewers,
        String evidenceKey,
        String bootId,
        Backlog offloadBacklog)
        implements Payload {
    /** Longer than any fingerprint a unit sends, short enough that a status stays small. */
    public static final int MAX_EVIDENCE_KEY_LENGTH = 128;

    public UnitStatus {
        Payload.checkVersion(version);
        Topics.requireId(unitId, "unitId");
        Objects.requireNonNull(state, "state is required");
        Objects.requireNonNull(time, "time is required");
        officerId = officerId == null ? "" : officerId;
        firmware = firmware == null ? "" : firmware;
        if (signalPercent != null && (signalPercent < 0 || signalPercent > 100)) {
            throw new IllegalArgumentException("signalPercent " + signalPercent + " is out of range 0..100");
        }
        if (evidenceKey != null && (evidenceKey.isEmpty() || evidenceKey.length() > MAX_EVIDENCE_KEY_LENGTH)) {
            throw new IllegalArgumentException(
                    "evidenceKey must be 1.." + MAX_EVIDENCE_KEY_LENGTH + " characters, not " + evidenceKey.length());
        }
        Payload.checkBootId(bootId);
    }

    /** A status without the offload backlog (a payload from before it existed, or a unit that does not offload). */
    public UnitStatus(
            int version,
            String unitId,
            UnitState state,
            boolean online,
            boolean stealth,
            boolean sos,
            String officerId,
            Battery battery,
            Storage storage,
            String recordingId,
            Instant recordingSince,
            boolean live,
            boolean clockSet,
            String firmware,
            long seq,
            Instant time,
            Long recordingMillis,
            Long droppedFrames,
            String publicKey,
            Integer signalPercent,
            Integer viewers,
            String evidenceKey,
            String bootId) {
        this(
                version,
                unitId,
                state,
                online,
                stealth,
                sos,
                officerId,
                battery,
                storage,
                recordingId,
                recordingSince,
                live,
                clockSet,
                firmware,
                seq,
                time,
                recordingMillis,
                droppedFrames,
                publicKey,
                signalPercent,
                viewers,
                evidenceKey,
                bootId,
                null);
    }

    /** A status without a boot id (a payload from before it existed). */
    public UnitStatus(
            int version,
            String unitId,
            UnitState state,
            boolean online,
            boolean stealth,
            boolean sos,
            String officerId,
            Battery battery,
            Storage storage,
            String recordingId,
            Instant recordingSince,
            boolean live,
            boolean clockSet,
            String firmware,
            long seq,
            Instant time,
            Long recordingMillis,
            Long droppedFrames,
            String publicKey,
            Integer signalPercent,
            Integer viewers,
            String evidenceKey) {
        this(
                version,
                unitId,
                state,
                online,
                stealth,
                sos,
                officerId,
                battery,
                storage,
                recordingId,
                recordingSince,
                live,
                clockSet,
                firmware,
                seq,
                time,
                recordingMillis,
                droppedFrames,
                publicKey,
                signalPercent,
                viewers,
                evidenceKey,
                null);
    }

    /** A status without the evidence key's fingerprint (a payload from before it existed). */
    public UnitStatus(
            int version,
            String unitId,
            UnitState state,
            boolean online,
            boolean stealth,
            boolean sos,
            String officerId,
            Battery battery,
            Storage storage,
            String recordingId,
            Instant recordingSince,
            boolean live,
            boolean clockSet,
            String firmware,
            long seq,
            Instant time,
            Long recordingMillis,
            Long droppedFrames,
            String publicKey,
            Integer signalPercent,
            Integer viewers) {
        this(
                version,
                unitId,
                state,
                online,
                stealth,
                sos,
                officerId,
                battery,
                storage,
                recordingId,
                recordingSince,
                live,
                clockSet,
                firmware,
                seq,
                time,
                recordingMillis,
                droppedFrames,
                publicKey,
                signalPercent,
                viewers,
                null);
    }

    /** A status without recording details, camera counters or key (a payload from before they existed). */
    public UnitStatus(
            int version,
            String unitId,
            UnitState state,
            boolean online,
            boolean stealth,
            boolean sos,
            String officerId,
            Battery battery,
            Storage storage,
            String recordingId,
            Instant recordingSince,
            boolean live,
            boolean clockSet,
            String firmware,
            long seq,
            Instant time) {
        this(
                version,
                unitId,
                state,
                online,
                stealth,
                sos,
                officerId,
                battery,
                storage,
                recordingId,
                recordingSince,
                live,
                clockSet,
                firmware,
                seq,
                time,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    /** The Will: what the broker publishes, retained, when the unit vanishes without a clean disconnect. */
    public static UnitStatus offline(String unitId, String officerId, String firmware, Instant time) {
        return new UnitStatus(
                Payload.VERSION,
                unitId,
                UnitState.OFFLINE,
                false,
                false,
                false,
                officerId,
                null,
                null,
                null,
                null,
                false,
                true,
                firmware,
                0,
                time);
    }
}
