package org.openbwc.device.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openbwc.device.media.Fragment;
import org.openbwc.device.media.InitSegment;
import org.openbwc.testsupport.SystemTools;

/**
 * Real fragmented MP4 (H.264 + AAC when the system ffmpeg has libx264, else MPEG-4 part 2 + AAC) made by
 * {@code /usr/bin/ffmpeg} from lavfi test sources, split into the init segment and moof+mdat fragments by a small
 * box walker that also reads each fragment's timing and whether its first video sample is a sync sample.
 */
final class Fmp4Fixture {
    static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");
    static final Path FFPROBE = Path.of("/usr/bin/ffprobe");
    static final Instant STREAM_EPOCH = Instant.parse("2025-03-01T10:00:00Z");
    private static final Map<Integer, Fmp4Fixture> CLIPS = new ConcurrentHashMap<>();

    final InitSegment init;
    final List<Fragment> fragments;
    final Path file;

    private Fmp4Fixture(Path file, InitSegment init, List<Fragment> fragments) {
        this.file = file;
        this.init = init;
        this.fragments = fragments;
    }

    /** Skips the calling test when ffmpeg is missing, except in CI, where that is a failure. */
    static void requireFfmpeg() {
        if (Files.isExecutable(FFMPEG) && Files.isExecutable(FFPROBE)) return;
        SystemTools.unavailable(
                "/usr/bin/ffmpeg and /usr/bin/ffprobe are needed for real-fMP4 tests (apt-get install ffmpeg)");
    }

    /** A clip of {@code seconds} at 15 fps, one GOP per second, ~200 ms fragments: 5 fragments per GOP. */
    static Fmp4Fixture clip(int seconds) {
        requireFfmpeg();
        return CLIPS.computeIfAbsent(seconds, Fmp4Fixture::generate);
    }

    private static Fmp4Fixture generate(int seconds) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "evidence-fixtures"));
            Path out = dir.resolve("clip-" + seconds + "s.mp4");
            String video =
                    run(List.of(FFMPEG.toString(), "-hide_banner", "-encoders")).contains("libx264")
                            ? "libx264"
                            : "mpeg4";
            List<String> command = new ArrayList<>(List.of(
                    FFMPEG.toString(),
                    "-hide_banner",
                    "-loglevel",
                    "error",
                    "-y",
                    "-f",
                    "lavfi",
                    "-i",
                    "testsrc2=size=320x240:rate=15",
                    "-f",
                    "lavfi",
                    "-i",
                    "sine=frequency=440:sample_rate=48000",
                    "-t",
                    String.valueOf(seconds),
                    "-c:v",
                    video,
                    "-g",
                    "15",
                    "-keyint_min",
                    "15",
                    "-pix_fmt",
                    "yuv420p"));
            if (video.equals("libx264")) command.addAll(List.of("-sc_threshold", "0", "-preset", "veryfast"));
            command.addAll(List.of(
                    "-c:a",
                    "aac",
                    "-movflags",
                    "frag_keyframe+empty_moov+default_base_moof",
                    "-frag_duration",
                    "200000",
                    "-f",
                    "mp4",
                    out.toString()));
            run(command);
            return split(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot make the fMP4 fixture", e);
        }
    }

    static String run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0)
            throw new IOException("exit " + process.exitValue() + " from " + command + ":\n" + text);
        return text;
    }

    // ---- box walker ------------------------------------------------------------------------------------------

    private record Box(String type, int start, int size, int headerSize) {
        int end() {
            return start + size;
        }

        int body() {
            return start + headerSize;
        }
    }

    private record Track(int id, String handler, long timescale, long defaultDuration, long defaultFlags) {}

    private static List<Box> boxes(byte[] data, int from, int to) {
        List<Box> list = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(data);
        int p = from;
        while (p + 8 <= to) {
            long size = Integer.toUnsignedLong(b.getInt(p));
            String type = new String(data, p + 4, 4, StandardCharsets.US_ASCII);
            int header = 8;
            if (size == 1) {
                size = b.getLong(p + 8);
                header = 16;
            } else if (size == 0) {
                size = to - p;
            }
            list.add(new Box(type, p, (int) size, header));
            p += (int) size;
        }
        return list;
    }

    private static Box child(byte[] data, Box parent, String type) {
        return boxes(data, parent.body(), parent.end()).stream()
                .filter(x -> x.type().equals(type))
                .findFirst()
                .orElse(null);
    }

    static Fmp4Fixture split(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(data);
        List<Box> top = boxes(data, 0, data.length);
        Box ftyp = top.get(0);
        Box moov = top.get(1);
        assertThat(ftyp.type()).isEqualTo("ftyp");
        assertThat(moov.type()).isEqualTo("moov");
        Map<Integer, Track> tracks = new HashMap<>();
        Map<Integer, long[]> trex = new HashMap<>();
        Box mvex = child(data, moov, "mvex");
        for (Box x : boxes(data, mvex.body(), mvex.end())) {
            if (x.type().equals("trex")) {
                int body = x.body() + 4;
                trex.put(b.getInt(body), new long[] {
                    Integer.toUnsignedLong(b.getInt(body + 8)), Integer.toUnsignedLong(b.getInt(body + 16))
                });
            }
        }
        int width = 0;
        int height = 0;
        for (Box trak : boxes(data, moov.body(), moov.end())) {
            if (!trak.type().equals("trak")) continue;
            Box tkhd = child(data, trak, "tkhd");
            int version = data[tkhd.body()] & 0xff;
            int id = b.getInt(tkhd.body() + 4 + (version == 1 ? 16 : 8));
            Box mdia = child(data, trak, "mdia");
            Box mdhd = child(data, mdia, "mdhd");
            int mv = data[mdhd.body()] & 0xff;
            long timescale = Integer.toUnsignedLong(b.getInt(mdhd.body() + 4 + (mv == 1 ? 16 : 8)));
            Box hdlr = child(data, mdia, "hdlr");
            String handler = new String(data, hdlr.body() + 8, 4, StandardCharsets.US_ASCII);
            if (handler.equals("vide")) {
                width = b.getInt(tkhd.end() - 8) >>> 16;
                height = b.getInt(tkhd.end() - 4) >>> 16;
            }
            long[] defaults = trex.getOrDefault(id, new long[2]);
            tracks.put(id, new Track(id, handler, timescale, defaults[0], defaults[1]));
        }
        Track videoTrack = tracks.values().stream()
                .filter(t -> t.handler().equals("vide"))
                .findFirst()
                .orElseThrow();
        InitSegment init = new InitSegment(
                Arrays.copyOfRange(data, 0, moov.end()), "avc1,mp4a.40.2", width, height, videoTrack.timescale());

        List<Fragment> fragments = new ArrayList<>();
        for (int i = 2; i < top.size(); i++) {
            Box moof = top.get(i);
            if (!moof.type().equals("moof")) continue;
            Box mdat = top.get(i + 1);
            assertThat(mdat.type()).isEqualTo("mdat");
            Box mfhd = child(data, moof, "mfhd");
            long sequence = Integer.toUnsignedLong(b.getInt(mfhd.body() + 4));
            long[] video = null;
            long[] any = null;
            for (Box traf : boxes(data, moof.body(), moof.end())) {
                if (!traf.type().equals("traf")) continue;
                long[] timing = trafTiming(data, traf, tracks);
                Track track = tracks.get((int) timing[3]);
                if (track.handler().equals("vide")) video = timing;
                if (any == null) any = timing;
            }
            long[] t = video != null ? video : any;
            Track track = tracks.get((int) t[3]);
            long startMicros = t[0] * 1_000_000 / track.timescale();
            long endMicros = (t[0] + t[1]) * 1_000_000 / track.timescale();
            boolean keyframe = video != null && video[2] == 1;
            fragments.add(new Fragment(
                    sequence,
                    Arrays.copyOfRange(data, moof.start(), mdat.end()),
                    keyframe,
                    startMicros,
                    endMicros - startMicros,
                    STREAM_EPOCH.plus(Duration.ofNanos(endMicros * 1000))));
            i++;
        }
        assertThat(fragments.getFirst().keyframeStart()).isTrue();
        return new Fmp4Fixture(file, init, List.copyOf(fragments));
    }

    /** {baseMediaDecodeTime, summed sample durations, 1 if the first sample is a sync sample, track id}. */
    private static long[] trafTiming(byte[] data, Box traf, Map<Integer, Track> tracks) {
        ByteBuffer b = ByteBuffer.wrap(data);
        Box tfhd = child(data, traf, "tfhd");
        int tfhdFlags = b.getInt(tfhd.body()) & 0xffffff;
        int trackId = b.getInt(tfhd.body() + 4);
        Track track = tracks.get(trackId);
        int p = tfhd.body() + 8;
        if ((tfhdFlags & 0x01) != 0) p += 8;
        if ((tfhdFlags & 0x02) != 0) p += 4;
        long defaultDuration = track.defaultDuration();
        long defaultFlags = track.defaultFlags();
        if ((tfhdFlags & 0x08) != 0) {
            defaultDuration = Integer.toUnsignedLong(b.getInt(p));
            p += 4;
        }
        if ((tfhdFlags & 0x10) != 0) p += 4;
        if ((tfhdFlags & 0x20) != 0) defaultFlags = Integer.toUnsignedLong(b.getInt(p));
        Box tfdt = child(data, traf, "tfdt");
        long base = (data[tfdt.body()] & 0xff) == 1
                ? b.getLong(tfdt.body() + 4)
                : Integer.toUnsignedLong(b.getInt(tfdt.body() + 4));
        long duration = 0;
        boolean firstSync = false;
        for (Box trun : boxes(data, traf.body(), traf.end())) {
            if (!trun.type().equals("trun")) continue;
            int flags = b.getInt(trun.body()) & 0xffffff;
            int count = b.getInt(trun.body() + 4);
            int q = trun.body() + 8;
            if ((flags & 0x01) != 0) q += 4;
            Long firstFlags = null;
            if ((flags & 0x04) != 0) {
                firstFlags = Integer.toUnsignedLong(b.getInt(q));
                q += 4;
            }
            for (int s = 0; s < count; s++) {
                long sampleDuration = defaultDuration;
                long sampleFlags = defaultFlags;
                if ((flags & 0x100) != 0) {
                    sampleDuration = Integer.toUnsignedLong(b.getInt(q));
                    q += 4;
                }
                if ((flags & 0x200) != 0) q += 4;
                if ((flags & 0x400) != 0) {
                    sampleFlags = Integer.toUnsignedLong(b.getInt(q));
                    q += 4;
                }
                if ((flags & 0x800) != 0) q += 4;
                if (s == 0 && firstFlags != null) sampleFlags = firstFlags;
                if (duration == 0 && s == 0) firstSync = (sampleFlags & 0x10000) == 0;
                duration += sampleDuration;
            }
        }
        return new long[] {base, duration, firstSync ? 1 : 0, trackId};
    }

    // ---- ffprobe ---------------------------------------------------------------------------------------------

    /** What ffprobe says about a file. */
    record Probe(
            List<String> codecs,
            long videoPackets,
            double videoStartSeconds,
            double videoEndSeconds,
            String decodeErrors) {
        double videoSeconds() {
            return videoEndSeconds - videoStartSeconds;
        }
    }

    static Probe probe(Path file) throws IOException {
        String streams = run(List.of(
                FFPROBE.toString(),
                "-v",
                "error",
                "-show_entries",
                "stream=codec_name",
                "-of",
                "csv=p=0",
                file.toString()));
        List<String> codecs =
                streams.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        String packets = run(List.of(
                FFPROBE.toString(),
                "-v",
                "error",
                "-select_streams",
                "v:0",
                "-show_entries",
                "packet=pts_time,duration_time",
                "-of",
                "csv=p=0",
                file.toString()));
        double start = Double.MAX_VALUE;
        double end = 0;
        long count = 0;
        for (String line : packets.lines().toList()) {
            String[] parts = line.strip().split(",");
            if (parts.length < 2 || parts[0].isEmpty() || parts[0].equals("N/A")) continue;
            double pts = Double.parseDouble(parts[0]);
            double duration = parts[1].equals("N/A") ? 0 : Double.parseDouble(parts[1]);
            start = Math.min(start, pts);
            end = Math.max(end, pts + duration);
            count++;
        }
        String errors = run(List.of(FFMPEG.toString(), "-v", "error", "-i", file.toString(), "-f", "null", "-"));
        return new Probe(codecs, count, count == 0 ? 0 : start, end, errors.strip());
    }

    /** Top-level box types of a file, in order. */
    static List<String> topLevelBoxes(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        return boxes(data, 0, data.length).stream().map(Box::type).toList();
    }

    long durationMicros(List<Fragment> list) {
        return list.stream().mapToLong(Fragment::durationMicros).sum();
    }
}
