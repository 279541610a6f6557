package org.openbwc.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds ISO-BMFF (MP4) box headers in bytes, for checks that encrypted media holds no readable MP4: a bare search for
 * "ftyp" or "moof" also matches ciphertext by chance (about once in 4 GiB per word, so once in a few hundred 20 MB
 * recordings), where a real box has a size that fits before its type and the child or brand a real one has.
 */
public final class Mp4BoxHeaders {
    private Mp4BoxHeaders() {}

    /** A box header found: its type and the offset of its size field. */
    public record Found(String type, long offset) {}

    /**
     * Every header of an {@code ftyp} (with a printable major brand), {@code moov} (whose first child is
     * {@code mvhd}), {@code moof} (first child {@code mfhd}) or {@code mdat} box whose size (32-bit, or 64-bit when
     * the 32-bit size is 1) is at least its header and fits in the bytes that follow.
     */
    public static List<Found> in(byte[] bytes) {
        List<Found> found = new ArrayList<>();
        for (int i = 4; i + 4 <= bytes.length; i++) {
            String type = typeAt(bytes, i);
            if (type == null) continue;
            int start = i - 4;
            long size = u32(bytes, start);
            int header = 8;
            if (size == 1 && start + 16 <= bytes.length) {
                size = u64(bytes, start + 8);
                header = 16;
            }
            if (size < header || size > bytes.length - start) continue;
            int body = start + header;
            boolean plausible = switch (type) {
                case "ftyp" -> size >= 16 && body + 4 <= bytes.length && printable(bytes, body, 4);
                case "moov" -> size >= 16 && "mvhd".equals(type(bytes, body + 4));
                case "moof" -> size >= 16 && "mfhd".equals(type(bytes, body + 4));
                default -> true; // mdat: any payload
            };
            if (plausible) found.add(new Found(type, start));
        }
        return found;
    }

    private static final int FTYP = word("ftyp");
    private static final int MOOV = word("moov");
    private static final int MOOF = word("moof");
    private static final int MDAT = word("mdat");

    /** The type at {@code i} if it is one of the four looked for; compared as an int, as this runs at every byte. */
    private static String typeAt(byte[] b, int i) {
        int w = (int) u32(b, i);
        if (w == FTYP) return "ftyp";
        if (w == MOOV) return "moov";
        if (w == MOOF) return "moof";
        if (w == MDAT) return "mdat";
        return null;
    }

    private static int word(String type) {
        return (int) u32(type.getBytes(StandardCharsets.ISO_8859_1), 0);
    }

    private static String type(byte[] b, int i) {
        if (i < 0 || i + 4 > b.length) return null;
        return new String(b, i, 4, StandardCharsets.ISO_8859_1);
    }

    private static boolean printable(byte[] b, int from, int n) {
        for (int i = from; i < from + n; i++) if (b[i] < 0x20 || b[i] > 0x7e) return false;
        return true;
    }

    private static long u32(byte[] b, int i) {
        return ((b[i] & 0xffL) << 24) | ((b[i + 1] & 0xffL) << 16) | ((b[i + 2] & 0xffL) << 8) | (b[i + 3] & 0xffL);
    }

    private static long u64(byte[] b, int i) {
        return (u32(b, i) << 32) | u32(b, i + 4);
    }
}
