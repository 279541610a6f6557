package org.openbwc.device.media;

import java.io.IOException;

/**
 * What one moof says about its fragment: sequence number, where its video starts and how long it lasts, whether its
 * first video sample is a keyframe (then a file or a live view may start with it), and how many pictures it holds.
 */
record FragmentHeader(
        long sequence, boolean keyframeStart, long mediaStartMicros, long durationMicros, int videoSamples) {

    private static final int TFHD_BASE_DATA_OFFSET = 0x01;
    private static final int TFHD_SAMPLE_DESCRIPTION_INDEX = 0x02;
    private static final int TFHD_DEFAULT_DURATION = 0x08;
    private static final int TFHD_DEFAULT_SIZE = 0x10;
    private static final int TFHD_DEFAULT_FLAGS = 0x20;
    private static final int TRUN_DATA_OFFSET = 0x01;
    private static final int TRUN_FIRST_SAMPLE_FLAGS = 0x04;
    private static final int TRUN_DURATION = 0x100;
    private static final int TRUN_SIZE = 0x200;
    private static final int TRUN_FLAGS = 0x400;
    private static final int TRUN_COMPOSITION_OFFSET = 0x800;

    static FragmentHeader read(byte[] moofBytes, MovieLayout layout) throws IOException {
        Boxes boxes = new Boxes(moofBytes, "moof");
        Boxes.Box moof = boxes.root();
        Boxes.Box mfhd = boxes.child(moof, "mfhd");
        if (mfhd == null) throw boxes.malformed("moof without mfhd");
        long sequence = boxes.u32(mfhd, 4);

        // Timing comes from the video track; a fragment without video falls back to the first track it carries (and, in
        // a movie that has video, lasts no time: see below).
        MovieLayout.Track video = layout.video();
        Boxes.Box chosen = null;
        MovieLayout.Track chosenTrack = null;
        for (Boxes.Box traf : boxes.children(moof)) {
            if (!traf.type().equals("traf")) continue;
            Boxes.Box tfhd = boxes.child(traf, "tfhd");
            if (tfhd == null) throw boxes.malformed("traf without tfhd");
            long trackId = boxes.u32(tfhd, 4);
            if (video != null && trackId == video.id()) {
                chosen = traf;
                chosenTrack = video;
                break;
            }
            if (chosen == null) {
                chosen = traf;
                chosenTrack = layout.track(trackId);
            }
        }
        if (chosen == null) return new FragmentHeader(sequence, false, 0, 0, 0);
        FragmentHeader header = readTraf(boxes, chosen, chosenTrack, sequence, chosenTrack == video && video != null);
        // An audio-only fragment of a movie with video adds no time: the recording's length, the pre-event buffer's
        // 30 s and the manifest's durationSeconds run on the video's timeline. Counting its audio too made them
        // the sum of both tracks (a 74 s recording signed as 109 s, a pre-event buffer holding 18 s of its 30).
        if (video != null && chosenTrack != video)
            return new FragmentHeader(sequence, false, header.mediaStartMicros(), 0, 0);
        return header;
    }

    private static FragmentHeader readTraf(
            Boxes boxes, Boxes.Box traf, MovieLayout.Track track, long sequence, boolean isVideo) throws IOException {
        Boxes.Box tfhd = boxes.child(traf, "tfhd");
        int tfhdFlags = boxes.flags(tfhd);
        int at = 8;
        if ((tfhdFlags & TFHD_BASE_DATA_OFFSET) != 0) at += 8;
        if ((tfhdFlags & TFHD_SAMPLE_DESCRIPTION_INDEX) != 0) at += 4;
        long defaultDuration = track == null ? 0 : track.defaultDuration();
        if ((tfhdFlags & TFHD_DEFAULT_DURATION) != 0) {
            defaultDuration = boxes.u32(tfhd, at);
            at += 4;
        }
        if ((tfhdFlags & TFHD_DEFAULT_SIZE) != 0) at += 4;
        long defaultFlags = track == null ? -1 : track.defaultFlags();
        if ((tfhdFlags & TFHD_DEFAULT_FLAGS) != 0) defaultFlags = boxes.u32(tfhd, at);

        long timescale = track == null ? 0 : track.timescale();
        long decodeTime = 0;
        Boxes.Box tfdt = boxes.child(traf, "tfdt");
        if (tfdt != null) decodeTime = boxes.version(tfdt) == 1 ? boxes.u64(tfdt, 4) : boxes.u32(tfdt, 4);

        long durationTicks = 0;
        long sampleCount = 0;
        long firstSampleFlags = -1;
        for (Boxes.Box trun : boxes.children(traf)) {
            if (!trun.type().equals("trun")) continue;
            int flags = boxes.flags(trun);
            long samples = boxes.u32(trun, 4);
            int field = 8;
            if ((flags & TRUN_DATA_OFFSET) != 0) field += 4;
            long firstFlagsOverride = -1;
            if ((flags & TRUN_FIRST_SAMPLE_FLAGS) != 0) {
                firstFlagsOverride = boxes.u32(trun, field);
                field += 4;
            }
            int sampleBytes =
                    Integer.bitCount(flags & (TRUN_DURATION | TRUN_SIZE | TRUN_FLAGS | TRUN_COMPOSITION_OFFSET)) * 4;
            if (samples * sampleBytes > trun.payloadLength() - field)
                throw boxes.malformed("trun claims " + samples + " samples of " + sampleBytes + " bytes in "
                        + (trun.payloadLength() - field) + " bytes");
            for (long i = 0; i < samples; i++) {
                int sample = field;
                long duration = defaultDuration;
                if ((flags & TRUN_DURATION) != 0) {
                    duration = boxes.u32(trun, sample);
                    sample += 4;
                }
                if ((flags & TRUN_SIZE) != 0) sample += 4;
                if (firstSampleFlags == -1) {
                    if (firstFlagsOverride != -1) firstSampleFlags = firstFlagsOverride;
                    else if ((flags & TRUN_FLAGS) != 0) firstSampleFlags = boxes.u32(trun, sample);
                    else firstSampleFlags = defaultFlags;
                    // -1 means no flags anywhere: keep looking is pointless, treat as unknown (not a keyframe)
                    if (firstSampleFlags == -1) firstSampleFlags = -2;
                }
                durationTicks += duration;
                sampleCount++;
                field += sampleBytes;
            }
        }
        boolean keyframe = isVideo && isSync(firstSampleFlags);
        return new FragmentHeader(
                sequence,
                keyframe,
                micros(decodeTime, timescale),
                micros(durationTicks, timescale),
                isVideo ? (int) Math.min(Integer.MAX_VALUE, sampleCount) : 0);
    }

    /** A sample that depends on no other (sample_depends_on == 2), or is not flagged non-sync, starts a GOP. */
    static boolean isSync(long sampleFlags) {
        if (sampleFlags < 0) return false;
        int dependsOn = (int) (sampleFlags >>> 24) & 0x3;
        boolean nonSync = (sampleFlags & 0x10000) != 0;
        return dependsOn == 2 || !nonSync && dependsOn != 1;
    }

    private static long micros(long ticks, long timescale) {
        if (timescale <= 0) return 0;
        // split so that ticks * 1e6 cannot overflow for long recordings with fine timescales
        return ticks / timescale * 1_000_000L + ticks % timescale * 1_000_000L / timescale;
    }
}
