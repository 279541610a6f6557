package org.openbwc.device.media;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.tinylog.Logger;

/**
 * Cuts the fragmented MP4 byte stream a muxer writes into the init segment (ftyp + moov) and one {@link Fragment}
 * per moof + mdat, and hands them to a {@link FragmentSink} as each one completes. Writes may split boxes anywhere.
 * <p>
 * Top-level boxes other than those are handled so that every piece stays valid on its own: {@code styp},
 * {@code prft} and {@code emsg} travel with the fragment that follows them; {@code sidx}, {@code mfra},
 * {@code free}/{@code skip} and unknown boxes are dropped, since they index or pad the whole file rather than one
 * fragment. Bytes that are not a box fail the stream with an {@link IOException} saying where.
 */
public final class FragmentSplitter extends OutputStream {

    /** Larger than any sane 200 ms fragment, small enough that garbage read as a size cannot exhaust the heap. */
    static final long DEFAULT_MAX_BOX_BYTES = 64L << 20;

    private final FragmentSink sink;
    private final Clock clock;
    private final CaptureTimes captures;
    private final long maxBoxBytes;

    private final byte[] header = new byte[16];
    private int headerFilled;
    private byte[] box;
    private int boxFilled;
    private String boxType;

    private long offset;
    private long boxStart;
    private byte[] ftyp;
    private MovieLayout layout;
    private final ByteArrayOutputStream prefix = new ByteArrayOutputStream();
    private byte[] pendingMoof;
    private FragmentHeader pendingHeader;
    private long fragments;
    private long droppedBoxes;
    private long sinkFailures;
    private IOException failure;
    private boolean closed;

    /**
     * When the stream's pictures were captured, in the order they were encoded: a fragment of {@code pictures} video
     * samples holds the next that many, and is stamped with the capture time of the last of them.
     */
    @FunctionalInterface
    public interface CaptureTimes {
        /** Takes the next {@code pictures} capture times and returns the last, or null when not known. */
        Instant lastOf(int pictures);
    }

    public FragmentSplitter(FragmentSink sink) {
        this(sink, Clock.systemUTC());
    }

    /** @param clock stamps each fragment's wall-clock time as its last byte arrives */
    public FragmentSplitter(FragmentSink sink, Clock clock) {
        this(sink, clock, DEFAULT_MAX_BOX_BYTES, null);
    }

    /** @param captures stamps each fragment with the capture time of its last picture */
    public FragmentSplitter(FragmentSink sink, CaptureTimes captures) {
        this(sink, Clock.systemUTC(), DEFAULT_MAX_BOX_BYTES, captures);
    }

    FragmentSplitter(FragmentSink sink, Clock clock, long maxBoxBytes) {
        this(sink, clock, maxBoxBytes, null);
    }

    private FragmentSplitter(FragmentSink sink, Clock clock, long maxBoxBytes, CaptureTimes captures) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxBoxBytes = maxBoxBytes;
        this.captures = captures;
    }

    /** Fragments handed to the sink so far. */
    public long fragments() {
        return fragments;
    }

    /** Bytes written into the splitter so far. */
    public long bytes() {
        return offset;
    }

    /** Top-level boxes that belong to no piece (sidx, mfra, free, unknown) and were dropped. */
    public long droppedBoxes() {
        return droppedBoxes;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, bytes.length);
        if (failure != null) throw new IOException("the fMP4 stream already failed: " + failure.getMessage(), failure);
        if (closed) throw new IOException("the splitter is closed");
        try {
            int end = off + len;
            while (off < end) {
                if (box == null) {
                    off = readHeader(bytes, off, end);
                } else {
                    int n = Math.min(end - off, box.length - boxFilled);
                    System.arraycopy(bytes, off, box, boxFilled, n);
                    boxFilled += n;
                    off += n;
                    offset += n;
                    if (boxFilled == box.length) completeBox();
                }
            }
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    /** A box cut short at close is a torn tail (the muxer died mid-write): it is dropped with a warning. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (headerFilled > 0 || box != null || pendingMoof != null) {
            Logger.warn(
                    "fMP4 stream ended inside a box ({} of {} bytes of '{}' at offset {}); the partial fragment is dropped",
                    box == null ? headerFilled : boxFilled,
                    box == null ? "?" : box.length,
                    boxType == null ? "?" : boxType,
                    boxStart);
        }
    }

    private int readHeader(byte[] bytes, int off, int end) throws IOException {
        if (headerFilled == 0) boxStart = offset;
        int needed = headerFilled < 8 ? 8 : 16;
        int n = Math.min(end - off, needed - headerFilled);
        System.arraycopy(bytes, off, header, headerFilled, n);
        headerFilled += n;
        offset += n;
        off += n;
        if (headerFilled < 8) return off;

        long size = u32(header, 0);
        if (headerFilled == 8) checkType();
        if (size == 1 && headerFilled < 16) return off;
        int headerLength = size == 1 ? 16 : 8;
        if (size == 1) {
            size = u32(header, 8) << 32 | u32(header, 12);
            if (size >= 0 && size < 16) throw notABox("its largesize " + size + " is smaller than its 16 byte header");
        } else if (size == 0) {
            throw notABox("size 0 (box runs to the end of the file) cannot be split in a live stream");
        } else if (size < 8) {
            throw notABox("size " + size + " is smaller than its 8 byte header");
        }
        if (size > maxBoxBytes || size < 0)
            throw notABox("size " + Long.toUnsignedString(size) + " exceeds the " + maxBoxBytes + " byte limit");
        box = new byte[(int) size];
        System.arraycopy(header, 0, box, 0, headerLength);
        boxFilled = headerLength;
        headerFilled = 0;
        if (boxFilled == box.length) completeBox();
        return off;
    }

    private void checkType() throws IOException {
        for (int i = 4; i < 8; i++) {
            if (header[i] < 0x20 || header[i] > 0x7e) throw notABox("its type bytes are not a four-character code");
        }
        boxType = new String(header, 4, 4, StandardCharsets.ISO_8859_1);
    }

    private IOException notABox(String why) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(headerFilled == 0 ? 8 : headerFilled, 16); i++)
            hex.append(String.format("%02x", header[i]));
        return new IOException(
                "not an ISO-BMFF box at stream offset " + boxStart + " (header bytes " + hex + "): " + why);
    }

    private void completeBox() throws IOException {
        byte[] complete = box;
        String type = boxType;
        box = null;
        boxFilled = 0;
        switch (type) {
            case "ftyp" -> {
                if (layout != null)
                    throw new IOException("ftyp at stream offset " + boxStart + " after the init segment: "
                            + "one splitter carries one stream, start a new one when the muxer restarts");
                ftyp = complete;
            }
            case "moov" -> {
                if (layout != null)
                    throw new IOException(
                            "second moov at stream offset " + boxStart + ": one splitter carries one stream");
                emitInit(complete);
            }
            case "styp", "prft", "emsg" -> {
                if (layout == null) drop(type);
                else prefix.writeBytes(complete);
            }
            case "moof" -> {
                if (layout == null) throw new IOException("moof at stream offset " + boxStart + " before any moov");
                if (pendingMoof != null)
                    throw new IOException("moof at stream offset " + boxStart + " follows a moof with no mdat");
                pendingHeader = FragmentHeader.read(complete, layout);
                pendingMoof = complete;
            }
            case "mdat" -> {
                if (pendingMoof == null)
                    throw new IOException("mdat at stream offset " + boxStart + " without a moof before it: "
                            + "the stream is not fragmented (movflags frag_keyframe+empty_moov)");
                emitFragment(complete);
            }
            default -> drop(type);
        }
    }

    private void emitInit(byte[] moov) throws IOException {
        layout = MovieLayout.read(moov);
        byte[] bytes = new byte[(ftyp == null ? 0 : ftyp.length) + moov.length];
        if (ftyp != null) System.arraycopy(ftyp, 0, bytes, 0, ftyp.length);
        System.arraycopy(moov, 0, bytes, bytes.length - moov.length, moov.length);
        MovieLayout.Track video = layout.video();
        InitSegment init = new InitSegment(
                bytes,
                layout.codecs(),
                video == null ? 0 : video.width(),
                video == null ? 0 : video.height(),
                video == null ? 0 : video.timescale());
        Logger.debug(
                "init segment: {} bytes, codecs {}, {}x{}, video timescale {}",
                bytes.length,
                init.codecs(),
                init.width(),
                init.height(),
                init.timescaleVideo());
        try {
            sink.onInit(init);
        } catch (RuntimeException e) {
            sinkFailed(e);
        }
    }

    private void emitFragment(byte[] mdat) {
        byte[] bytes = new byte[prefix.size() + pendingMoof.length + mdat.length];
        byte[] before = prefix.toByteArray();
        System.arraycopy(before, 0, bytes, 0, before.length);
        System.arraycopy(pendingMoof, 0, bytes, before.length, pendingMoof.length);
        System.arraycopy(mdat, 0, bytes, before.length + pendingMoof.length, mdat.length);
        FragmentHeader h = pendingHeader;
        prefix.reset();
        pendingMoof = null;
        pendingHeader = null;
        Instant captured = captures == null || h.videoSamples() == 0 ? null : captures.lastOf(h.videoSamples());
        Fragment fragment = new Fragment(
                h.sequence(),
                bytes,
                h.keyframeStart(),
                h.mediaStartMicros(),
                h.durationMicros(),
                clock.instant(),
                captured);
        fragments++;
        Logger.trace(
                "fragment {}: {} bytes, start {} us, {} us{}",
                h.sequence(),
                bytes.length,
                h.mediaStartMicros(),
                h.durationMicros(),
                h.keyframeStart() ? ", keyframe" : "");
        try {
            sink.onFragment(fragment);
        } catch (RuntimeException e) {
            sinkFailed(e);
        }
    }

    private void sinkFailed(RuntimeException e) {
        // A consumer's bug must not stop the camera: the stream goes on for the other consumers.
        sinkFailures++;
        if (sinkFailures == 1 || Long.bitCount(sinkFailures) == 1) {
            Logger.error(e, "fragment sink failed ({} times so far); the stream goes on", sinkFailures);
        }
    }

    private void drop(String type) {
        droppedBoxes++;
        Logger.debug("dropped top-level '{}' box at stream offset {}", type, boxStart);
    }

    private static long u32(byte[] b, int at) {
        return (long) (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
    }
}
