package org.openbwc.device;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.openbwc.config.HalMode;
import org.openbwc.config.UnitConfig;
import org.openbwc.config.VideoConfig;
import org.openbwc.device.evidence.AgencyKeyFile;
import org.openbwc.device.evidence.DeviceKey;
import org.openbwc.device.evidence.EvidenceRecovery;
import org.openbwc.device.evidence.EvidenceWriter;
import org.openbwc.device.evidence.FailedRecording;
import org.openbwc.device.evidence.PreEventBuffer;
import org.openbwc.device.evidence.PreEventSnapshot;
import org.openbwc.device.evidence.RecordingRequest;
import org.openbwc.device.evidence.RecoveredRecording;
import org.openbwc.device.evidence.SealedRecording;
import org.openbwc.device.identity.UnitKeyFiles;
import org.openbwc.device.media.EncoderSettings;
import org.openbwc.device.media.FragmentSink;
import org.openbwc.device.media.MediaPipeline;
import org.openbwc.device.media.SoundMix;
import org.openbwc.device.media.VideoEncoder;
import org.openbwc.device.media.VideoSourceKind;
import org.openbwc.evidence.EndReason;
import org.openbwc.evidence.EvidenceVerifier;
import org.openbwc.evidence.VerificationResult;
import org.openbwc.hal.mock.MockMicrophone;
import org.openbwc.pki.Fingerprints;
import org.tinylog.Logger;

/**
 * The unit's camera and evidence store: one encoder whose fragment stream feeds the pre-event buffer and, while
 * recording, the evidence writer. Recovers unsealed recordings at boot; holds the unit's signing key.
 */
final class UnitCamera implements AutoCloseable {
    /** Fragments are cut every ~100 ms; the first GOP's can stretch to a second. */
    static final long STOP_WAIT_MILLIS = 1_200;

    /**
     * How much footage one fragment holds: the unit of durability (each is forced to storage with its journal line,
     * so a power cut loses at most the last one and the pictures still in the encoder). 100 ms keeps the loss from
     * capture under 0.2 s (bench/README.md, power cut) at 10 forced writes per second plus their journal lines, far
     * below what an A1 SD card or eMMC sustains (hundreds of small synchronous writes per second); shorter fragments
     * would cost more syncs and moof overhead for little gain, as the encoder's own delay remains.
     */
    static final int FRAGMENT_MILLIS = 100;

    private final UnitConfig config;
    private final DeviceKey key;
    /** Set when the key was gone although recordings were there, and a new one was made. */
    private final Optional<DeviceKey.MissingKey> keyMissing;

    private final PreEventBuffer buffer;
    private final EvidenceWriter writer;
    private final List<RecoveredRecording> recovered;
    /** Null when the camera could not start; then {@link #failure} says why. */
    private final MediaPipeline pipeline;

    private final String failure;
    private volatile boolean recordingAudio;
    /** The officer new recordings name in their manifest; changed by {@link #officer}. */
    private volatile String officerId;
    /** A voice call with the room is open: the room must hear the officer even where pre-event audio is off. */
    private volatile boolean callAudio;
    /** Knows the newest fragment handed to the writer, so a stop can wait for the footage up to its instant. */
    private final FragmentFanOut fanOut;

    private UnitCamera(
            UnitConfig config,
            String firmware,
            Consumer<SealedRecording> onSealed,
            Consumer<FailedRecording> onFailed,
            List<? extends FragmentSink> liveOutputs)
            throws IOException {
        this.config = config;
        this.officerId = config.officerId();
        DataFolder data = DataFolder.of(config);
        Path evidenceRoot = data.evidence();
        DeviceKey.Opened opened = DeviceKey.open(data.keys(), evidenceRoot);
        this.key = opened.key();
        this.keyMissing = opened.missing();
        this.recovered = new EvidenceRecovery(evidenceRoot, key).recoverAll();
        // Scratch files, not evidence: kept beside the evidence store so that they are on the same (real) disk.
        this.buffer = new PreEventBuffer(
                config.recording().preEventSeconds(),
                config.evidence().preEventMaxMegabytes() * 1024L * 1024L,
                data.preEvent());
        // Resolved before the camera starts: a configured key file that cannot be used stops the unit with its path.
        UnitKeyFiles unitKeys = new UnitKeyFiles(data.keys());
        boolean enrolling = config.enrolment() != null && config.enrolment().enabled() && !unitKeys.present();
        AgencyKeyFile agencyKey =
                AgencyKeyFile.resolve(config.evidence().agencyKey(), unitKeys.agencyKeyFile(), enrolling);
        this.writer = EvidenceWriter.builder(evidenceRoot, key)
                .agencyKey(agencyKey)
                .softwareVersion(firmware)
                .segmentMinutes(config.evidence().segmentMinutes())
                .maxRecordingMinutes(config.evidence().maxRecordingMinutes())
                .onSealed(onSealed)
                .onFailed(onFailed)
                .build();
        boolean preEventAudio = config.recording().preEventAudio();
        this.fanOut = new FragmentFanOut(buffer, writer, liveOutputs);
        MediaPipeline started = null;
        String failed = null;
        try {
            started = MediaPipeline.start(
                    encoderSettings(config), fanOut, () -> recordingAudio || preEventAudio || callAudio);
            if (encoderSettings(config).source() == VideoSourceKind.LAVFI) {
                // The emulator: its microphone (quiet, with tone bursts on demand) instead of lavfi's endless sine.
                String unitId = config.unitId();
                started.source((pcm, rate, channels) ->
                        MockMicrophone.registered(unitId).ifPresent(mic -> mic.fill(pcm, rate, channels)));
            }
        } catch (RuntimeException e) {
            // A unit with a broken camera must still come online and say so, not vanish from the monitoring room.
            failed = e.getMessage() == null ? e.toString() : e.getMessage();
            Logger.error("[{}] camera failed to start: {}", config.unitId(), failed);
        }
        this.pipeline = started;
        this.failure = failed;
    }

    /** The evidence key this boot had to replace although the unit holds recordings; the gateway must hear of it. */
    Optional<DeviceKey.MissingKey> keyMissing() {
        return keyMissing;
    }

    /** Why the camera is not capturing (it failed to start or stopped), or empty while it works. */
    Optional<String> failure() {
        if (failure != null) return Optional.of(failure);
        if (!pipeline.isRunning()) {
            return Optional.of(pipeline.failure()
                    .map(t -> t.getMessage() == null ? t.toString() : t.getMessage())
                    .orElse("camera stopped"));
        }
        return Optional.empty();
    }

    /**
     * Loads (or creates) the key, recovers what a power loss left unsealed, and starts the camera, whose fragments
     * also reach {@code liveOutputs} (see {@link FragmentFanOut} for the order).
     */
    static UnitCamera start(
            UnitConfig config,
            String firmware,
            Consumer<SealedRecording> onSealed,
            List<? extends FragmentSink> liveOutputs) {
        return start(config, firmware, onSealed, r -> {}, liveOutputs);
    }

    /** As above; {@code onFailed} is told of a recording the writer could not go on writing (see the writer). */
    static UnitCamera start(
            UnitConfig config,
            String firmware,
            Consumer<SealedRecording> onSealed,
            Consumer<FailedRecording> onFailed,
            List<? extends FragmentSink> liveOutputs) {
        try {
            return new UnitCamera(config, firmware, onSealed, onFailed, liveOutputs);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "unit " + config.unitId() + ": cannot open the evidence store under " + config.dataDir(), e);
        }
    }

    /** Maps the technician's video/audio config onto the encoder's settings. */
    static EncoderSettings encoderSettings(UnitConfig c) {
        VideoConfig v = c.video();
        VideoSourceKind source = switch (v.source()) {
            case AUTO -> c.hal() == HalMode.MOCK ? VideoSourceKind.LAVFI : VideoSourceKind.V4L2;
            case V4L2 -> VideoSourceKind.V4L2;
            case TESTSRC -> VideoSourceKind.LAVFI;
        };
        VideoEncoder encoder = switch (v.encoder()) {
            case OPENH264 -> VideoEncoder.OPENH264;
            case X264 -> VideoEncoder.X264;
            case V4L2M2M -> VideoEncoder.V4L2M2M;
        };
        return new EncoderSettings(
                source,
                v.device(),
                v.inputFormat(),
                v.width() & ~1,
                v.height() & ~1,
                v.fps(),
                v.bitrateKbps(),
                v.gopSeconds(),
                encoder,
                c.audio().enabled(),
                c.audio().device(),
                c.audio().sampleRate(),
                c.audio().channels(),
                c.audio().bitrateKbps(),
                v.overlay(),
                v.fontFile() == null ? null : Path.of(v.fontFile()),
                overlayText(c.unitId()),
                overlayText(c.officerId()),
                FRAGMENT_MILLIS);
    }

    /** Ids are burned into the picture; characters the filter graph cannot take safely become '_'. */
    static String overlayText(String id) {
        String s = id.replaceAll("[^\\p{L}\\p{N} ._#/+-]", "_");
        return s.length() > 40 ? s.substring(0, 40) : s;
    }

    List<RecoveredRecording> recovered() {
        return recovered;
    }

    String publicKeyBase64() {
        return key.publicKeyBase64();
    }

    /** The evidence key as enrolment sends it to the gateway, which pins it. */
    PublicKey publicKey() {
        return key.publicKey();
    }

    /** The evidence key's full fingerprint, as the gateway pins it ({@code ed25519:<sha-256 hex>}). */
    String evidenceKeyFingerprint() {
        return Fingerprints.evidenceKey(key.publicKey());
    }

    /** The init segment and fragments in the pre-event buffer: where a live stream starts. */
    PreEventSnapshot recentFragments() {
        return buffer.snapshot();
    }

    /** Checks a sealed recording against this unit's key, as `bwc evidence verify` would. */
    VerificationResult selfCheck(Path recordingDir) {
        return new EvidenceVerifier().verify(recordingDir, Optional.of(key.publicKey()));
    }

    /**
     * The officer now carrying the unit: burned into the picture from the next frame on and named in the manifest of
     * the next recording. A recording already open keeps the officer it started with in its manifest.
     */
    void officer(String newOfficerId) {
        officerId = newOfficerId;
        if (pipeline != null) pipeline.officer(overlayText(newOfficerId));
    }

    /** Turns the microphone on for a voice call (and back to the recording policy after it). */
    void callAudio(boolean on) {
        callAudio = on;
    }

    /** Mixes the room's voice into the encoded audio (see {@link MediaPipeline#sidetone}); no-op without a camera. */
    void sidetone(SoundMix mix) {
        if (pipeline != null) pipeline.sidetone(mix);
    }

    /** The officer id the overlay burns into the picture now; empty without a working camera or overlay. */
    String overlayOfficer() {
        return pipeline == null || !config.video().overlay() ? "" : pipeline.overlayOfficer();
    }

    /** Opens a recording with the pre-event buffer at its head. */
    void startRecording(String recordingId, String trigger, Instant startedAt, boolean clockSet) throws IOException {
        if (pipeline == null) {
            Logger.error(
                    "[{}] recording {} has no footage: the camera is not working ({})",
                    config.unitId(),
                    recordingId,
                    failure);
            return;
        }
        recordingAudio = true;
        writer.open(
                new RecordingRequest(
                        recordingId,
                        config.unitId(),
                        officerId,
                        trigger,
                        startedAt,
                        clockSet ? "system" : "unset",
                        clockSet,
                        null,
                        null),
                buffer);
    }

    /**
     * Seals the open recording; blocks until its manifest is on disk. Waits first (at most {@link #STOP_WAIT_MILLIS})
     * for the fragment that covers the stop instant, so the moments right before a stop are kept too.
     */
    Optional<SealedRecording> stopRecording(Instant endedAt, EndReason reason) {
        long deadline = System.nanoTime() + STOP_WAIT_MILLIS * 1_000_000L;
        while (pipeline != null
                && fanOut.lastFragmentCut().isBefore(endedAt)
                && System.nanoTime() < deadline
                && pipeline.isRunning()) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        recordingAudio = false;
        return writer.close(endedAt, reason);
    }

    void marker(Instant at, String label) {
        writer.addMarker(at, label);
    }

    void location(double lat, double lon, Double accuracyMeters, Instant at) {
        writer.addLocation(lat, lon, accuracyMeters, at);
    }

    /** Media in the open recording, or null when none is open. */
    Long recordingMillis() {
        var s = writer.stats();
        return s.recording() ? s.mediaDurationMillis() : null;
    }

    /** Frames the camera dropped, or null when it is not working. */
    Long droppedFrames() {
        return pipeline == null ? null : pipeline.stats().framesDropped();
    }

    /**
     * Clean power-off: the camera stops, an open recording is sealed (reason shutdown) and handed to
     * {@code onSealed} before this returns.
     */
    @Override
    public void close() {
        if (pipeline != null) pipeline.close();
        // The writer tells onSealed before close returns, so whatever shuts down after the camera (the evidence
        // recorder that checks and reports the recording) has it by then.
        writer.close(null, EndReason.SHUTDOWN);
        buffer.close();
    }

    /** Power loss: nothing is flushed or sealed; the next boot recovers the recording from its journal. */
    void kill() {
        writer.halt();
        if (pipeline != null) pipeline.close();
        buffer.close();
        Logger.debug("[{}] camera stopped without sealing (power loss)", config.unitId());
    }
}
