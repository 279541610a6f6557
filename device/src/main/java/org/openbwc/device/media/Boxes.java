package org.openbwc.device.media;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Read-only view of the ISO-BMFF boxes inside one complete top-level box held in memory. */
final class Boxes {

    /** One box: its type, where it starts, where its payload starts (after size/type/largesize) and where it ends. */
    record Box(String type, int start, int payload, int end) {
        int payloadLength() {
            return end - payload;
        }
    }

    private final byte[] bytes;
    private final String what;

    /** @param what names the stream in error messages, e.g. {@code moov} */
    Boxes(byte[] bytes, String what) {
        this.bytes = bytes;
        this.what = what;
    }

    byte[] bytes() {
        return bytes;
    }

    /** The box that spans the whole array. */
    Box root() throws IOException {
        List<Box> top = children(0, bytes.length);
        if (top.size() != 1) throw malformed("expected one box, found " + top.size());
        return top.getFirst();
    }

    List<Box> children(Box parent) throws IOException {
        return children(parent.payload(), parent.end());
    }

    /** Child boxes of a box whose payload starts with {@code skip} bytes of fields (full-box header, sample entry). */
    List<Box> children(Box parent, int skip) throws IOException {
        if (skip > parent.payloadLength())
            throw malformed(parent.type() + " is shorter than its " + skip + " byte header");
        return children(parent.payload() + skip, parent.end());
    }

    List<Box> children(int from, int to) throws IOException {
        List<Box> boxes = new ArrayList<>();
        int at = from;
        while (at < to) {
            if (to - at < 8) throw malformed(to - at + " stray bytes at offset " + at);
            long size = u32(at);
            String type = fourCc(at + 4);
            int header = 8;
            if (size == 1) {
                if (to - at < 16)
                    throw malformed("box '" + type + "' at offset " + at + " is cut inside its largesize");
                size = u64(at + 8);
                header = 16;
                if (size < 0) throw malformed("box '" + type + "' at offset " + at + " has a largesize beyond 2^63");
            } else if (size == 0) {
                size = to - at;
            }
            if (size < header || size > to - at)
                throw malformed("box '" + type + "' at offset " + at + " claims " + size + " bytes, " + (to - at)
                        + " are left");
            boxes.add(new Box(type, at, at + header, at + (int) size));
            at += (int) size;
        }
        return boxes;
    }

    /** First child of that type, or null. */
    Box child(Box parent, String type) throws IOException {
        return find(children(parent), type);
    }

    /** Follows a path of first children of those types, or null when one is missing. */
    Box path(Box from, String... types) throws IOException {
        Box at = from;
        for (String type : types) {
            at = child(at, type);
            if (at == null) return null;
        }
        return at;
    }

    static Box find(List<Box> boxes, String type) {
        for (Box box : boxes) if (box.type().equals(type)) return box;
        return null;
    }

    /** Unsigned byte at {@code offset} into the box's payload; reading past the box's end is an error. */
    int u8(Box box, int offset) throws IOException {
        return (int) read(box, offset, 1);
    }

    int u16(Box box, int offset) throws IOException {
        return (int) read(box, offset, 2);
    }

    long u32(Box box, int offset) throws IOException {
        return read(box, offset, 4);
    }

    long u64(Box box, int offset) throws IOException {
        long value = read(box, offset, 8);
        if (value < 0)
            throw malformed(
                    box.type() + ": 64-bit value at payload offset " + offset + " does not fit in a signed long");
        return value;
    }

    private long read(Box box, int offset, int length) throws IOException {
        int at = box.payload() + offset;
        if (offset < 0 || at + length > box.end())
            throw malformed(box.type() + " at offset " + box.start() + " is too short: needs " + length
                    + " bytes at payload offset " + offset + ", has " + box.payloadLength());
        return bigEndian(at, length);
    }

    private long u32(int at) throws IOException {
        check(at, 4);
        return bigEndian(at, 4);
    }

    private long u64(int at) throws IOException {
        check(at, 8);
        return bigEndian(at, 8);
    }

    private long bigEndian(int at, int length) {
        long value = 0;
        for (int i = 0; i < length; i++) value = value << 8 | bytes[at + i] & 0xff;
        return value;
    }

    String fourCc(Box box, int offset) throws IOException {
        read(box, offset, 4);
        return fourCc(box.payload() + offset);
    }

    private String fourCc(int at) throws IOException {
        check(at, 4);
        return new String(bytes, at, 4, StandardCharsets.ISO_8859_1);
    }

    /** Version byte of a full box. */
    int version(Box box) throws IOException {
        return u8(box, 0);
    }

    /** The 24 flag bits of a full box. */
    int flags(Box box) throws IOException {
        return (int) (u32(box, 0) & 0xffffff);
    }

    IOException malformed(String problem) {
        return new IOException("malformed " + what + ": " + problem);
    }

    private void check(int at, int length) throws IOException {
        if (at < 0 || at + length > bytes.length)
            throw malformed(
                    "read of " + length + " bytes at offset " + at + " runs past its " + bytes.length + " bytes");
    }
}
