package org.openbwc.device.media;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds ISO-BMFF boxes byte by byte, for splitter tests that need exact control over every field. */
final class TestBoxes {
    static final long SYNC = 0x02000000L;
    static final long NON_SYNC = 0x01010000L;

    private TestBoxes() {}

    static byte[] box(String type, byte[]... parts) {
        byte[] payload = concat(parts);
        return concat(u32(8 + payload.length), ascii(type), payload);
    }

    /** A box whose size is in the 64-bit largesize field (size field 1). */
    static byte[] largeBox(String type, byte[]... parts) {
        byte[] payload = concat(parts);
        return concat(u32(1), ascii(type), u64(16 + payload.length), payload);
    }

    static byte[] fullBox(String type, int version, int flags, byte[]... parts) {
        return box(type, concat(u8(version), u8(flags >>> 16 & 0xff, flags >>> 8 & 0xff, flags & 0xff)), concat(parts));
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] u8(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) out[i] = (byte) values[i];
        return out;
    }

    static byte[] u16(int value) {
        return u8(value >>> 8, value);
    }

    static byte[] u32(long value) {
        return u8((int) (value >>> 24), (int) (value >>> 16), (int) (value >>> 8), (int) value);
    }

    static byte[] u64(long value) {
        return concat(u32(value >>> 32), u32(value));
    }

    static byte[] zeros(int n) {
        return new byte[n];
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) out.writeBytes(part);
        return out.toByteArray();
    }

    static byte[] ftyp() {
        return box("ftyp", ascii("iso5"), u32(512), ascii("iso5"), ascii("iso6"), ascii("mp41"));
    }

    /** tkhd version 0 with a track id and a 16.16 width and height. */
    static byte[] tkhd(long trackId, int width, int height) {
        return fullBox(
                "tkhd",
                0,
                7,
                u32(0),
                u32(0),
                u32(trackId),
                u32(0),
                u32(0),
                zeros(8),
                u16(0),
                u16(0),
                u16(0),
                u16(0),
                zeros(36),
                u32((long) width << 16),
                u32((long) height << 16));
    }

    static byte[] mdhd(long timescale) {
        return fullBox("mdhd", 0, 0, u32(0), u32(0), u32(timescale), u32(0), u16(0x55c4), u16(0));
    }

    static byte[] hdlr(String handler) {
        return fullBox("hdlr", 0, 0, u32(0), ascii(handler), zeros(12), u8(0));
    }

    static byte[] stsd(byte[] entry) {
        return box("minf", box("stbl", fullBox("stsd", 0, 0, u32(1), entry)));
    }

    static byte[] avc1(int profile, int compatibility, int level) {
        byte[] avcC = box("avcC", u8(1, profile, compatibility, level, 0xff, 0xe0, 0x00));
        return box("avc1", zeros(6), u16(1), zeros(70), avcC);
    }

    /** An AAC-LC mp4a entry whose esds uses FFmpeg's 4-byte descriptor lengths. */
    static byte[] mp4a() {
        byte[] decoderSpecific = concat(u8(0x05, 0x80, 0x80, 0x80, 2), u8(0x12, 0x10));
        byte[] decoderConfig = concat(
                u8(0x04, 0x80, 0x80, 0x80, 13 + decoderSpecific.length),
                u8(0x40, 0x15),
                zeros(3),
                u32(0),
                u32(0),
                decoderSpecific);
        byte[] es = concat(
                u8(0x03, 0x80, 0x80, 0x80, 3 + decoderConfig.length + 6),
                u16(1),
                u8(0),
                decoderConfig,
                u8(0x06, 0x80, 0x80, 0x80, 1, 2));
        return box(
                "mp4a",
                zeros(6),
                u16(1),
                zeros(8),
                u16(2),
                u16(16),
                zeros(4),
                u32(48000L << 16),
                fullBox("esds", 0, 0, es));
    }

    static byte[] trex(long trackId, long defaultDuration, long defaultFlags) {
        return fullBox("trex", 0, 0, u32(trackId), u32(1), u32(defaultDuration), u32(0), u32(defaultFlags));
    }

    /** A moov with video track 1 (1280x720, 90 kHz, High@4.0) and AAC track 2, and these trex defaults for video. */
    static byte[] moov(long videoDefaultDuration, long videoDefaultFlags) {
        byte[] video =
                box("trak", tkhd(1, 1280, 720), box("mdia", mdhd(90_000), hdlr("vide"), stsd(avc1(0x64, 0x00, 0x28))));
        byte[] audio = box("trak", tkhd(2, 0, 0), box("mdia", mdhd(48_000), hdlr("soun"), stsd(mp4a())));
        byte[] mvex = box("mvex", trex(1, videoDefaultDuration, videoDefaultFlags), trex(2, 1024, SYNC));
        return box("moov", fullBox("mvhd", 0, 0, zeros(96)), video, audio, mvex);
    }

    static byte[] audioTraf(long baseTime) {
        return box(
                "traf",
                fullBox("tfhd", 0, 0x020000, u32(2)),
                fullBox("tfdt", 1, 0, u64(baseTime)),
                fullBox("trun", 0, 0x000201, u32(2), u32(0), u32(10), u32(10)));
    }
}
