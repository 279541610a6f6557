package org.openbwc.device.media;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tracks of an fMP4 stream as its moov describes them: what the splitter needs to build the init segment and
 * to read the timing of every later moof (track ids, timescales, trex defaults).
 */
record MovieLayout(List<Track> tracks) {

    /**
     * One trak (+ its trex).
     *
     * @param handler {@code vide}, {@code soun}, ...
     * @param codec RFC 6381 codec string, e.g. {@code avc1.42C01E} or {@code mp4a.40.2}; null when not known
     * @param defaultFlags trex default_sample_flags, or -1 without a trex
     */
    record Track(
            long id,
            String handler,
            long timescale,
            int width,
            int height,
            String codec,
            long defaultDuration,
            long defaultFlags) {
        boolean isVideo() {
            return handler.equals("vide");
        }
    }

    MovieLayout {
        tracks = List.copyOf(tracks);
    }

    /** The first video track, or null for a stream without one. */
    Track video() {
        for (Track track : tracks) if (track.isVideo()) return track;
        return null;
    }

    Track track(long id) {
        for (Track track : tracks) if (track.id() == id) return track;
        return null;
    }

    /** Codecs of all tracks, video first, as MSE's {@code addSourceBuffer} wants them. */
    String codecs() {
        List<String> codecs = new ArrayList<>();
        for (Track track : tracks) if (track.isVideo() && track.codec() != null) codecs.add(track.codec());
        for (Track track : tracks) if (!track.isVideo() && track.codec() != null) codecs.add(track.codec());
        return String.join(",", codecs);
    }

    static MovieLayout read(byte[] moovBytes) throws IOException {
        Boxes boxes = new Boxes(moovBytes, "moov");
        Boxes.Box moov = boxes.root();
        List<Boxes.Box> children = boxes.children(moov);
        List<long[]> trexes = new ArrayList<>();
        Boxes.Box mvex = Boxes.find(children, "mvex");
        if (mvex != null) {
            for (Boxes.Box trex : boxes.children(mvex)) {
                if (!trex.type().equals("trex")) continue;
                // track_ID, default_sample_description_index, default_sample_duration, default_sample_size,
                // default_sample_flags
                trexes.add(new long[] {boxes.u32(trex, 4), boxes.u32(trex, 12), boxes.u32(trex, 20)});
            }
        }
        List<Track> tracks = new ArrayList<>();
        for (Boxes.Box trak : children) {
            if (trak.type().equals("trak")) tracks.add(track(boxes, trak, trexes));
        }
        return new MovieLayout(tracks);
    }

    private static Track track(Boxes boxes, Boxes.Box trak, List<long[]> trexes) throws IOException {
        Boxes.Box tkhd = boxes.child(trak, "tkhd");
        if (tkhd == null) throw boxes.malformed("trak without tkhd");
        boolean longTimes = boxes.version(tkhd) == 1;
        long id = boxes.u32(tkhd, longTimes ? 20 : 12);
        // width and height are the last two 16.16 fixed-point fields, after the times, layer, volume and matrix
        int sizeAt = longTimes ? 88 : 76;
        int width = (int) (boxes.u32(tkhd, sizeAt) >>> 16);
        int height = (int) (boxes.u32(tkhd, sizeAt + 4) >>> 16);

        Boxes.Box mdia = boxes.child(trak, "mdia");
        if (mdia == null) throw boxes.malformed("track " + id + " has no mdia");
        Boxes.Box mdhd = boxes.child(mdia, "mdhd");
        Boxes.Box hdlr = boxes.child(mdia, "hdlr");
        if (mdhd == null || hdlr == null) throw boxes.malformed("track " + id + " lacks mdhd or hdlr");
        long timescale = boxes.u32(mdhd, boxes.version(mdhd) == 1 ? 20 : 12);
        String handler = boxes.fourCc(hdlr, 8);

        String codec = null;
        Boxes.Box stsd = boxes.path(mdia, "minf", "stbl", "stsd");
        if (stsd != null) {
            List<Boxes.Box> entries = boxes.children(stsd, 8);
            if (!entries.isEmpty()) codec = codec(boxes, entries.getFirst());
        }
        long defaultDuration = 0;
        long defaultFlags = -1;
        for (long[] trex : trexes) {
            if (trex[0] == id) {
                defaultDuration = trex[1];
                defaultFlags = trex[2];
            }
        }
        return new Track(id, handler, timescale, width, height, codec, defaultDuration, defaultFlags);
    }

    private static String codec(Boxes boxes, Boxes.Box entry) throws IOException {
        String type = entry.type();
        switch (type) {
            case "avc1", "avc3" -> {
                // 8 bytes of SampleEntry, 70 of VisualSampleEntry, then the child boxes
                Boxes.Box avcC = Boxes.find(boxes.children(entry, 78), "avcC");
                if (avcC == null) return type;
                return String.format(
                        Locale.ROOT, "%s.%02X%02X%02X", type, boxes.u8(avcC, 1), boxes.u8(avcC, 2), boxes.u8(avcC, 3));
            }
            case "mp4a" -> {
                return "mp4a." + audioObjectType(boxes, entry);
            }
            default -> {
                return type;
            }
        }
    }

    /** {@code 40.2} for AAC-LC: the MPEG-4 object type indication and audio object type, read from esds. */
    private static String audioObjectType(Boxes boxes, Boxes.Box mp4a) {
        try {
            // 8 bytes of SampleEntry, 20 of AudioSampleEntry (version 0)
            Boxes.Box esds = Boxes.find(boxes.children(mp4a, 28), "esds");
            if (esds == null) return "40.2";
            Descriptors in = new Descriptors(boxes, esds, 4);
            if (in.tag() != 3) return "40.2";
            in.skip(2);
            int esFlags = in.u8();
            if ((esFlags & 0x80) != 0) in.skip(2);
            if ((esFlags & 0x40) != 0) in.skip(in.u8());
            if ((esFlags & 0x20) != 0) in.skip(2);
            if (in.tag() != 4) return "40.2";
            int objectType = in.u8();
            in.skip(12);
            if (in.tag() != 5) return String.format(Locale.ROOT, "%02x", objectType);
            int first = in.u8();
            int audioObjectType = first >>> 3;
            if (audioObjectType == 31) audioObjectType = 32 + ((first & 0x07) << 3 | in.u8() >>> 5);
            return String.format(Locale.ROOT, "%02x.%d", objectType, audioObjectType);
        } catch (IOException unreadable) {
            // The codec string only guides a browser; AAC-LC is what our encoder writes.
            return "40.2";
        }
    }

    /** Walks the MPEG-4 descriptors (tag, variable-length size, body) inside esds. */
    private static final class Descriptors {
        private final Boxes boxes;
        private final Boxes.Box esds;
        private int offset;

        Descriptors(Boxes boxes, Boxes.Box esds, int offset) {
            this.boxes = boxes;
            this.esds = esds;
            this.offset = offset;
        }

        int u8() throws IOException {
            return boxes.u8(esds, offset++);
        }

        void skip(int bytes) {
            offset += bytes;
        }

        /** Reads a descriptor header and returns its tag; the position is then at its body. */
        int tag() throws IOException {
            int tag = u8();
            for (int i = 0; i < 4; i++) {
                if ((u8() & 0x80) == 0) break;
            }
            return tag;
        }
    }
}
