package org.openbwc.evidence;

import java.time.Instant;
import java.util.List;
import org.openbwc.evidence.encryption.WrappedDataKey;

/**
 * {@code manifest.json}: the sealed description of one recording, signed by the device key.
 *
 * <p>Everything except {@code publicKey} and {@code signature} is derived from the journal, so a verifier can
 * rebuild it and name the field that was changed. {@code signature} is the base64 Ed25519 signature over the
 * canonical bytes defined in {@link EvidenceJson} (the manifest without its {@code signature} member, members sorted
 * by name at every level, no whitespace, UTF-8). Times are UTC ISO-8601; media times are microseconds of the stream.
 *
 * @param preEventSecondsIncluded media time taken from the pre-event buffer, i.e. recorded before the trigger
 * @param durationMicros media time of all fragments; {@code durationSeconds} is the same in seconds
 * @param endReason {@code stopped}, {@code max-duration}, {@code storage-reserve}, {@code shutdown},
 *     {@code storage-full} or {@code write-failed} (a write failed; sealed at once from the journal, as recovery
 *     does) or {@code recovered}
 * @param droppedFragments fragments of the stream missing from the recording (the disk could not keep up)
 * @param bytesTruncated bytes of torn writes that recovery cut off the segment files (kept aside, see {@code torn})
 * @param encryption the recording's data key wrapped to the agency key, as the journal's {@code open} line has it;
 *     null for a plaintext recording, and then absent from the file and from the signed bytes (so manifests from
 *     before encryption keep their bytes)
 */
public record RecordingManifest(
        int formatVersion,
        String recordingId,
        String unitId,
        String officerId,
        String trigger,
        Instant startedAt,
        Instant endedAt,
        String endReason,
        String clockSource,
        boolean clockSet,
        Long clockOffsetMillis,
        double preEventSecondsIncluded,
        long durationMicros,
        double durationSeconds,
        List<Marker> markers,
        List<TrackPoint> track,
        List<Segment> segments,
        String chainHead,
        long fragmentCount,
        long droppedFragments,
        boolean recovered,
        long bytesTruncated,
        List<TornTail> torn,
        String softwareVersion,
        WrappedDataKey encryption,
        String publicKey,
        String signature) {

    /** The manifest layout this code writes. */
    public static final int FORMAT_VERSION = 1;

    /** Copies the lists; a null {@code torn} (manifests from before it existed) becomes empty. */
    public RecordingManifest {
        markers = List.copyOf(markers);
        track = List.copyOf(track);
        segments = List.copyOf(segments);
        torn = torn == null ? List.of() : List.copyOf(torn);
    }

    /** A point of interest the officer marked during the recording. */
    public record Marker(Instant at, String label) {}

    /** A GNSS fix taken during the recording. */
    public record TrackPoint(Instant at, double lat, double lon, Double accuracyMeters) {}

    /** One segment file: init + fragments {@code firstSeq..lastSeq}, playable on its own. */
    public record Segment(
            String file,
            long bytes,
            String sha256,
            long firstSeq,
            long lastSeq,
            long mediaStartMicros,
            long durationMicros) {}

    /** Bytes recovery cut off a file after a crash, and the file they were moved to (never deleted). */
    public record TornTail(String file, long offset, long bytes, String keptIn) {}

    /** A plaintext recording's manifest (no {@code encryption}), as before recordings were encrypted. */
    public RecordingManifest(
            int formatVersion,
            String recordingId,
            String unitId,
            String officerId,
            String trigger,
            Instant startedAt,
            Instant endedAt,
            String endReason,
            String clockSource,
            boolean clockSet,
            Long clockOffsetMillis,
            double preEventSecondsIncluded,
            long durationMicros,
            double durationSeconds,
            List<Marker> markers,
            List<TrackPoint> track,
            List<Segment> segments,
            String chainHead,
            long fragmentCount,
            long droppedFragments,
            boolean recovered,
            long bytesTruncated,
            List<TornTail> torn,
            String softwareVersion,
            String publicKey,
            String signature) {
        this(
                formatVersion,
                recordingId,
                unitId,
                officerId,
                trigger,
                startedAt,
                endedAt,
                endReason,
                clockSource,
                clockSet,
                clockOffsetMillis,
                preEventSecondsIncluded,
                durationMicros,
                durationSeconds,
                markers,
                track,
                segments,
                chainHead,
                fragmentCount,
                droppedFragments,
                recovered,
                bytesTruncated,
                torn,
                softwareVersion,
                null,
                publicKey,
                signature);
    }

    /** Whether the recording's media is sealed to an agency key. */
    public boolean encrypted() {
        return encryption != null;
    }

    /** The same manifest with {@code signature} set to {@code base64} (null for none). */
    public RecordingManifest withSignature(String base64) {
        return new RecordingManifest(
                formatVersion,
                recordingId,
                unitId,
                officerId,
                trigger,
                startedAt,
                endedAt,
                endReason,
                clockSource,
                clockSet,
                clockOffsetMillis,
                preEventSecondsIncluded,
                durationMicros,
                durationSeconds,
                markers,
                track,
                segments,
                chainHead,
                fragmentCount,
                droppedFragments,
                recovered,
                bytesTruncated,
                torn,
                softwareVersion,
                encryption,
                publicKey,
                base64);
    }
}
