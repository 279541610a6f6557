package org.openbwc.gateway.fleet;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import org.openbwc.pki.Fingerprints;
import org.openbwc.protocol.Battery;
import org.openbwc.protocol.Storage;
import org.openbwc.protocol.UnitLocation;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;

/**
 * What the monitoring room sees of one unit: the JSON shape of the HTTP API and of the live event stream.
 *
 * @param state null until the unit's first status arrives (e.g. only a location is known)
 * @param online true while the unit's latest status is a live one; false after its Will (OFFLINE)
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
        boolean revoked) {

    static UnitView of(String id, UnitStatus status, UnitLocation location, Instant lastSeen, boolean revoked) {
        if (status == null) {
            return new UnitView(
                    id, null, false, false, false, "", null, null, location, null, null, false, false, lastSeen, null,
                    "", null, null, null, null, null, null, revoked);
        }
        // A revoked unit is cut off by the broker, and whatever it still sends is dropped: it is not online.
        boolean online = !revoked && status.online() && status.state() != UnitState.OFFLINE;
        return new UnitView(
                id,
                status.state(),
                online,
                status.stealth(),
                status.sos(),
                status.officerId(),
                status.battery(),
                status.storage(),
                location,
                status.recordingId(),
                status.recordingSince(),
                status.live(),
                status.clockSet(),
                lastSeen,
                status.time(),
                status.firmware(),
                status.recordingMillis(),
                status.droppedFrames(),
                status.publicKey(),
                status.signalPercent(),
                status.viewers(),
                evidenceKeyOf(status),
                revoked);
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
