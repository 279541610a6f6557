package org.openbwc.gateway.fleet;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.openbwc.pki.Fingerprints;
import org.openbwc.protocol.Backlog;
import org.openbwc.protocol.Battery;
import org.openbwc.protocol.Storage;
import org.openbwc.protocol.UnitLocation;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;

/**
 * What the monitoring room sees of one unit: the JSON shape of the HTTP API and of the live event stream.
 *
 * <p>A unit that went offline keeps what it last said while it was live (battery, storage, recording, stealth, officer),
 * marked {@code lastKnown}: a camera torn off or out of battery is when the room needs its last state most.
 *
 * @param state null until the unit's first status arrives (e.g. only a location is known); OFFLINE after its Will
 * @param online true while the unit's latest status is a live one; false after its Will (OFFLINE)
 * @param sos the unit's own flag while online; while offline, whether its SOS still stands: it stays until the unit
 *     clears it or a supervisor resolves it, never dropped because the unit fell silent
 * @param lastSeen when the gateway last heard from the unit itself; for state replayed from retained messages, the
 *                 time the unit stamped on it
 * @param lastStatusTime the unit's own time on its latest status
 * @param recordingMillis media in the current recording so far; null when not recording
 * @param droppedFrames frames the unit's camera pipeline dropped; null when it reports none
 * @param publicKey the unit's evidence-signing key (base64 X.509), to verify its recordings
 * @param signalPercent the unit's radio signal 0-100; null when it cannot tell
 * @param viewers people watching the unit live, as the unit reports; null when it is not streaming
 * @param evidenceKey fingerprint of the unit's evidence key as it reports it ({@code ed25519:<hex>}); derived from
 *                    {@code publicKey} for a unit that does not report it; null when it reports neither
 * @param revoked the agency revoked the unit: its messages are dropped, this is the last state known before
 * @param lastState the state of the unit's last live status (the current state while online); null if none seen
 * @param offlineSince when the gateway saw the unit go offline (for one known offline from retained messages, when it
 *     was last seen); null while online
 * @param lastKnown offline, and the fields above are from its last live status; or the gateway cannot see the fleet
 *     ({@code staleSince})
 * @param preEventMillis pre-event media at the start of the current recording, in whole seconds, derived from the
 *     unit's media length and its recording start; null when not recording or not known
 * @param staleSince when the gateway lost its link to the broker: everything here is last known from before then;
 *     null while the gateway sees the fleet
 * @param clockAhead the unit's clock was more than {@link FleetRegistry#CLOCK_AHEAD_LIMIT} ahead of the gateway's
 *     when it sent its status: its times are not to be trusted until it is set right
 * @param offloadBacklog the unit's recordings not yet in the evidence store, as it last said; null if it does not
 *     offload
 */
public record UnitView(
        String id,
        UnitState state,
        boolean online,
        boolean stealth,
        boolean sos,
        String officerId,
        Battery battery,
        Storage storage,
        UnitLocation location,
        String recordingId,
        Instant recordingSince,
        boolean live,
        boolean clockSet,
        Instant lastSeen,
        Instant lastStatusTime,
        String firmware,
        Long recordingMillis,
        Long droppedFrames,
        String publicKey,
        Integer signalPercent,
        Integer viewers,
        String evidenceKey,
        boolean revoked,
        UnitState lastState,
        Instant offlineSince,
        boolean lastKnown,
        Long preEventMillis,
        boolean clockAhead,
        Instant staleSince,
        Backlog offloadBacklog) {

    /**
     * @param status the unit's current status (its Will while offline), null if none seen
     * @param lastLive its last live status, null if none seen since the gateway started
     * @param sosStands whether an SOS of the unit still stands (used while it is offline)
     */
    static UnitView of(
            String id,
            UnitStatus status,
            UnitStatus lastLive,
            UnitLocation location,
            Instant lastSeen,
            Instant offlineSince,
            boolean sosStands,
            boolean revoked,
            boolean clockAhead,
            Instant staleSince) {
        if (status == null) {
            return new UnitView(
                    id,
                    null,
                    false,
                    false,
                    sosStands,
                    "",
                    null,
                    null,
                    location,
                    null,
                    null,
                    false,
                    false,
                    lastSeen,
                    null,
                    "",
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    revoked,
                    null,
                    null,
                    staleSince != null,
                    null,
                    false,
                    staleSince,
                    null);
        }
        // A revoked unit is cut off by the broker, and whatever it still sends is dropped: it is not online.
        boolean online = !revoked && status.online() && status.state() != UnitState.OFFLINE;
        boolean lastKnown = !online && lastLive != null && lastLive != status;
        UnitStatus shown = lastKnown ? lastLive : status;
        boolean recording = shown.recordingId() != null;
        return new UnitView(
                id,
                status.state(),
                online,
                shown.stealth(),
                online ? status.sos() : sosStands,
                shown.officerId(),
                shown.battery(),
                shown.storage(),
                location,
                shown.recordingId(),
                shown.recordingSince(),
                online && status.live(),
                status.clockSet(),
                lastSeen,
                status.time(),
                shown.firmware(),
                shown.recordingMillis(),
                shown.droppedFrames(),
                status.publicKey() != null ? status.publicKey() : shown.publicKey(),
                online ? status.signalPercent() : null,
                online ? status.viewers() : null,
                evidenceKeyOf(status.evidenceKey() != null || status.publicKey() != null ? status : shown),
                revoked,
                lastLive == null ? (online ? status.state() : null) : lastLive.state(),
                online ? null : offlineSince,
                lastKnown || staleSince != null,
                recording ? preEventMillis(shown) : null,
                clockAhead,
                staleSince,
                shown.offloadBacklog());
    }

    /**
     * The recording's media length minus the time since its start, as the unit measured both: what came from the
     * pre-event buffer, to within a fragment; rounded to whole seconds because it is no more exact than that.
     */
    private static Long preEventMillis(UnitStatus s) {
        if (s.recordingMillis() == null || s.recordingSince() == null) return null;
        long sinceStart = Duration.between(s.recordingSince(), s.time()).toMillis();
        long pre = s.recordingMillis() - Math.max(0, sinceStart);
        return pre <= 0 ? 0L : Math.round(pre / 1000.0) * 1000;
    }

    private static String evidenceKeyOf(UnitStatus status) {
        if (status.evidenceKey() != null) return status.evidenceKey();
        if (status.publicKey() == null) return null;
        try {
            return Fingerprints.evidenceKey(KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(status.publicKey()))));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }
}
