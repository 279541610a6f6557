package org.openbwc.bench.encode;

import static org.openbwc.bench.encode.EncodeBench.OFFICER_ID;
import static org.openbwc.bench.encode.EncodeBench.UNIT_ID;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.openbwc.testsupport.Mp4BoxHeaders;

/** The measured JVMs. Loaded only in the child JVMs, whose classpath has the device module and the natives. */
final class Children {
    private static final PrintStream OUT = System.out;

    static void locate() throws Exception {
        var cli = org.openbwc.device.media.FfmpegCli.locate();
        OUT.println("@@ FFMPEG " + cli.executable());
        OUT.println("@@ LIBDIR " + cli.libraryDirectory());
        OUT.println("@@ VERSION " + cli.version());
        OUT.println("@@ X264 " + org.openbwc.device.media.VideoEncoder.X264.isAvailable());
        OUT.println("@@ OPENH264 " + org.openbwc.device.media.VideoEncoder.OPENH264.isAvailable());
        OUT.flush();
    }

    private static org.openbwc.device.media.EncoderSettings settings(String[] a) {
        var encoder = switch (a[3]) {
            case "x264" -> org.openbwc.device.media.VideoEncoder.X264;
            case "openh264" -> org.openbwc.device.media.VideoEncoder.OPENH264;
            default -> throw new IllegalArgumentException("encoder " + a[3] + " is not x264 or openh264");
        };
        return org.openbwc.device.media.EncoderSettings.mock(UNIT_ID, OFFICER_ID)
                .withVideo(Integer.parseInt(a[0]), Integer.parseInt(a[1]), Integer.parseInt(a[2]))
                .withEncoder(encoder)
                .withBitrateKbps(Integer.parseInt(a[4]));
    }

    /** Pipeline only, overlay and audio off, fragments discarded. Args: W H FPS ENC KBPS. */
    static void pipeline(String[] a) throws Exception {
        var settings = settings(a).withOverlayEnabled(false).withAudioEnabled(false);
        var discard = new org.openbwc.device.media.FragmentSink() {
            @Override
            public void onInit(org.openbwc.device.media.InitSegment init) {}

            @Override
            public void onFragment(org.openbwc.device.media.Fragment fragment) {}
        };
        var pipeline = org.openbwc.device.media.MediaPipeline.start(settings, discard);
        OUT.println("@@ READY " + settings);
        OUT.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("s")) {
                OUT.println("@@ STATS " + stats(pipeline.stats()) + " running=" + (pipeline.isRunning() ? 1 : 0));
                OUT.flush();
            } else if (line.equals("q")) {
                break;
            }
        }
        pipeline.close();
        OUT.println("@@ DONE " + stats(pipeline.stats()) + " failure="
                + pipeline.failure().map(t -> t.toString().replace(' ', '_')).orElse("none"));
        OUT.flush();
        System.exit(0);
    }

    /**
     * The unit's path: overlay and audio on, the unit's FragmentFanOut to the pre-event buffer then the evidence
     * writer. Args: W H FPS ENC KBPS PRE_SECONDS EVIDENCE_DIR [on|off]: with {@code on} the recording is encrypted
     * to an agency key made here, as a unit with an agency key in its configuration does; the pre-event scratch files
     * are encrypted either way (the unit has no switch for that).
     */
    static void full(String[] a) throws Exception {
        var settings = settings(a).withOverlayEnabled(true).withAudioEnabled(true);
        int preSeconds = Integer.parseInt(a[5]);
        Path root = Path.of(a[6]);
        var key = org.openbwc.device.evidence.DeviceKey.generate();
        // the config's default cap, and the unit's layout: scratch files beside the evidence
        var buffer = new org.openbwc.device.evidence.PreEventBuffer(
                preSeconds, 96L << 20, root.resolveSibling(root.getFileName() + "-pre-event"));
        boolean encrypt = a.length > 7 && a[7].equals("on");
        // made before the pipeline starts, so that key generation is not in the measured window
        var agency = encrypt
                ? Optional.of(
                        org.openbwc.evidence.encryption.AgencyKeyPair.generate().publicKey())
                : Optional.<org.openbwc.evidence.encryption.AgencyPublicKey>empty();
        var writer = org.openbwc.device.evidence.EvidenceWriter.builder(root, key)
                .softwareVersion("bench")
                .agencyKey(() -> agency)
                .build();
        // the unit's own fan-out, without live outputs (nobody watches)
        var fanOut = new org.openbwc.device.FragmentFanOut(buffer, writer, java.util.List.of());
        var pipeline = org.openbwc.device.media.MediaPipeline.start(settings, fanOut, () -> true);
        // the audio settings as fields: the orchestrator gives the CLI reference the same ones
        OUT.println("@@ READY audioRate=" + settings.sampleRate() + " audioChannels=" + settings.channels()
                + " audioKbps=" + settings.audioBitrateKbps() + " " + settings);
        OUT.flush();
        String recordingId = "bench-"
                + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
                        .withZone(ZoneOffset.UTC)
                        .format(Instant.now());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            switch (line) {
                case "open" -> {
                    long bufferedMs = buffer.bufferedMicros() / 1000;
                    writer.open(
                            new org.openbwc.device.evidence.RecordingRequest(
                                    recordingId,
                                    UNIT_ID,
                                    OFFICER_ID,
                                    "button",
                                    Instant.now(),
                                    "system",
                                    true,
                                    null,
                                    null),
                            buffer);
                    OUT.println("@@ OPENED preEventMs=" + bufferedMs + " bufferBytes=" + buffer.bufferedBytes());
                }
                case "s" -> {
                    var w = writer.stats();
                    OUT.println("@@ STATS " + stats(pipeline.stats()) + " running=" + (pipeline.isRunning() ? 1 : 0)
                            + " writerFragments=" + w.fragmentsWritten() + " writerDropped=" + w.droppedFragments()
                            + " writerOverflows=" + w.queueOverflows() + " writerQueued=" + w.queuedFragments()
                            + " writerBytes=" + w.bytesWritten() + " writerMediaMs=" + w.mediaDurationMillis()
                            + " bufferMs=" + buffer.bufferedMicros() / 1000 + " bufferBytes="
                            + buffer.bufferedBytes()
                            + " bufferHeapBytes=" + buffer.heapBytes()
                            + " heapUsed="
                            + (Runtime.getRuntime().totalMemory()
                                    - Runtime.getRuntime().freeMemory())
                            + " heapCommitted=" + Runtime.getRuntime().totalMemory());
                }
                case "q" -> {
                    var sealed = writer.close(Instant.now());
                    pipeline.close();
                    writer.close();
                    buffer.close();
                    if (sealed.isPresent()) {
                        var r = sealed.get();
                        var v = new org.openbwc.evidence.EvidenceVerifier()
                                .verify(r.directory(), Optional.of(key.publicKey()));
                        OUT.println("@@ SEALED durationMs=" + r.durationMillis() + " fragments=" + r.fragmentCount()
                                + " segments=" + r.segmentCount() + " bytes=" + r.bytes() + " droppedFragments="
                                + r.droppedFragments()
                                + " verified=" + (v.ok() ? 1 : 0) + " encrypted=" + (encrypt ? 1 : 0)
                                + " mp4Files=" + filesWithBoxes(r.directory()) + " mediaFiles="
                                + mediaFiles(r.directory()) + " dir=" + r.directory()
                                + " verifyMessage="
                                + String.valueOf(v.message()).replace(' ', '_'));
                    } else {
                        OUT.println("@@ SEALED none=1");
                    }
                    OUT.println("@@ DONE " + stats(pipeline.stats()) + " failure="
                            + pipeline.failure()
                                    .map(t -> t.toString().replace(' ', '_'))
                                    .orElse("none"));
                    OUT.flush();
                    System.exit(0);
                }
                default -> {}
            }
            OUT.flush();
        }
        System.exit(1);
    }

    /**
     * Checks a recording of the unit process against the unit's own key (as {@code bwc evidence verify} would) and
     * prints its manifest's figures. Args: RECORDING_DIR KEY_DIR.
     */
    static void verify(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        Path keyDir = Path.of(a[1]);
        if (!Files.isRegularFile(keyDir.resolve(org.openbwc.device.evidence.DeviceKey.KEY_FILE))) {
            throw new IllegalStateException("no unit key in " + keyDir);
        }
        var key = org.openbwc.device.evidence.DeviceKey.loadOrCreate(keyDir);
        var v = new org.openbwc.evidence.EvidenceVerifier().verify(dir, Optional.of(key.publicKey()));
        var m = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("manifest.json").toFile());
        long bytes = 0;
        for (var seg : m.path("segments")) bytes += seg.path("bytes").asLong();
        OUT.println("@@ VERIFIED verified=" + (v.ok() ? 1 : 0) + " durationMs="
                + m.path("durationMicros").asLong() / 1000
                + " preEventMs="
                + Math.round(m.path("preEventSecondsIncluded").asDouble() * 1000)
                + " fragments=" + m.path("fragmentCount").asLong() + " droppedFragments="
                + m.path("droppedFragments").asLong()
                + " segments=" + m.path("segments").size() + " bytes=" + bytes + " endReason="
                + m.path("endReason").asText()
                + " verifyMessage=" + String.valueOf(v.message()).replace(' ', '_'));
        OUT.flush();
    }

    /** The recording's segment files (seg-NNNNNN.mp4, whether sealed or not). */
    private static java.util.List<Path> media(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().startsWith("seg-"))
                    .toList();
        }
    }

    static long mediaFiles(Path dir) throws java.io.IOException {
        return media(dir).size();
    }

    /**
     * How many of the recording's media files hold an MP4 box header ({@link Mp4BoxHeaders}): a plaintext recording
     * has one in each segment, an encrypted one in none. (A bare "ftyp" turns up in ciphertext by chance: once in a
     * 22 MB segment in a run of 2026-12-07.)
     */
    static long filesWithBoxes(Path dir) throws java.io.IOException {
        long n = 0;
        for (Path f : media(dir)) {
            if (!Mp4BoxHeaders.in(Files.readAllBytes(f)).isEmpty()) n++;
        }
        return n;
    }

    private static String stats(org.openbwc.device.media.PipelineStats s) {
        return "grabbed=" + s.framesGrabbed() + " frames=" + s.framesEncoded() + " dropped=" + s.framesDropped()
                + " audioDropped=" + s.audioChunksDropped() + " fragments=" + s.fragments() + " bytes=" + s.bytes();
    }
}
