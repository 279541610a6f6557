package org.openbwc.gateway.live;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Optional;
import org.openbwc.protocol.LiveFrame;

/**
 * The last few GOPs of a unit's live stream as an fMP4 HLS playlist, for browsers without Media Source Extensions
 * (Safari on iPhone). Built from the same fragments the WebSocket viewers get: each HLS segment is one GOP, so every
 * segment starts with a keyframe. HLS costs a few seconds of delay; MSE is the low-latency path.
 */
public final class HlsWindow {

    /** One complete GOP. */
    record Segment(long number, byte[] bytes, double seconds, long captureEpochMillis) {}

    static final int SEGMENTS = 6;

    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private byte[] init;
    private ByteArrayOutputStream open;
    private long openMediaStart = -1;
    private long openCapture;
    private long nextNumber;

    public synchronized void add(LiveFrame f) {
        if (f.kind() == LiveFrame.Kind.INIT) {
            init = f.payload();
            segments.clear();
            open = null;
            return;
        }
        if (f.keyframe()) {
            if (open != null && f.mediaStartMillis() > openMediaStart) {
                segments.addLast(new Segment(
                        nextNumber++,
                        open.toByteArray(),
                        (f.mediaStartMillis() - openMediaStart) / 1000.0,
                        openCapture));
                while (segments.size() > SEGMENTS) segments.removeFirst();
            }
            open = new ByteArrayOutputStream();
            openMediaStart = f.mediaStartMillis();
            openCapture = f.captureEpochMillis();
        }
        if (open != null) open.writeBytes(f.payload());
    }

    public synchronized Optional<byte[]> init() {
        return Optional.ofNullable(init);
    }

    public synchronized Optional<byte[]> segment(long number) {
        return segments.stream()
                .filter(s -> s.number() == number)
                .map(Segment::bytes)
                .findFirst();
    }

    /** The playlist, or empty until the first GOP is complete. */
    public synchronized Optional<String> playlist() {
        if (init == null || segments.isEmpty()) return Optional.empty();
        double longest = segments.stream().mapToDouble(Segment::seconds).max().orElse(1);
        StringBuilder b = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n")
                .append("#EXT-X-TARGETDURATION:")
                .append((long) Math.ceil(longest))
                .append('\n')
                .append("#EXT-X-MEDIA-SEQUENCE:")
                .append(segments.peekFirst().number())
                .append('\n')
                .append("#EXT-X-MAP:URI=\"init.mp4\"\n");
        for (Segment s : segments) {
            b.append("#EXT-X-PROGRAM-DATE-TIME:")
                    .append(Instant.ofEpochMilli(s.captureEpochMillis()))
                    .append('\n')
                    .append(String.format(Locale.ROOT, "#EXTINF:%.3f,%n", s.seconds()))
                    .append("seg-")
                    .append(s.number())
                    .append(".m4s\n");
        }
        return Optional.of(b.toString());
    }
}
