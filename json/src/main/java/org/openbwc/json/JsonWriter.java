package org.openbwc.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

/**
 * Writes the plain values {@link JsonReader} produces (maps, lists, strings, numbers, booleans, null) as JSON text.
 *
 * <p>Compact output is exact and stable, because evidence signatures are computed over it: no whitespace, members in
 * the map's order, strings escaping only {@code "}, {@code \}, control characters ({@code \b \t \n \f \r}, the rest
 * as {@code \}{@code u00XX} with upper-case hex) and the two halves of a character beyond U+FFFF (as two upper-case
 * {@code \}{@code uXXXX}, which is what Jackson wrote and earlier evidence signatures cover), every other character
 * as UTF-8, whole numbers in decimal and
 * fractions as Java's shortest round-trip {@link Double#toString}. Pretty output is for people: two-space indentation,
 * one member or element per line. Spaced output is for people too, in the layout of Jackson's default pretty printer
 * that the configuration schemas have always had.
 */
public final class JsonWriter {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** Where whitespace goes. */
    private enum Layout {
        COMPACT,
        PRETTY,
        SPACED
    }

    private final StringBuilder out = new StringBuilder(256);
    private final Layout layout;

    private JsonWriter(Layout layout) {
        this.layout = layout;
    }

    /** Compact UTF-8 JSON. */
    public static byte[] compact(Object value) {
        return compactString(value).getBytes(StandardCharsets.UTF_8);
    }

    /** Compact JSON as a string. */
    public static String compactString(Object value) {
        JsonWriter w = new JsonWriter(Layout.COMPACT);
        w.value(value, 0);
        return w.out.toString();
    }

    /** Indented JSON for files people read, ending with a newline. */
    public static String pretty(Object value) {
        JsonWriter w = new JsonWriter(Layout.PRETTY);
        w.value(value, 0);
        return w.out.append('\n').toString();
    }

    /**
     * Indented JSON as Jackson's default pretty printer lays it out, ending with a newline: members one per line,
     * indented by two spaces, as {@code "name" : value}; arrays on one line as {@code [ 1, 2 ]}; empty ones as
     * {@code { }} and {@code [ ]}.
     */
    public static String spaced(Object value) {
        JsonWriter w = new JsonWriter(Layout.SPACED);
        w.value(value, 0);
        return w.out.append('\n').toString();
    }

    private void value(Object value, int level) {
        switch (value) {
            case null -> out.append("null");
            case String s -> string(s);
            case Boolean b -> out.append(b.booleanValue());
            case Long n -> out.append(n.longValue());
            case Integer n -> out.append(n.intValue());
            case Short n -> out.append(n.shortValue());
            case Byte n -> out.append(n.byteValue());
            case BigInteger n -> out.append(n);
            case Double d -> finite(d.doubleValue());
            case Float f -> finite(f.doubleValue());
            case BigDecimal d -> out.append(d);
            case Map<?, ?> map -> object(map, level);
            case Collection<?> list -> array(list, level);
            default ->
                throw new IllegalArgumentException(
                        "cannot write a " + value.getClass().getName() + " as JSON (bind it to plain values first)");
        }
    }

    private void finite(double d) {
        if (!Double.isFinite(d)) throw new IllegalArgumentException("JSON has no number " + d);
        out.append(d);
    }

    private void object(Map<?, ?> map, int level) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String name)) {
                throw new IllegalArgumentException("JSON member names are strings, not " + e.getKey());
            }
            if (!first) out.append(',');
            first = false;
            newline(level + 1);
            string(name);
            out.append(
                    switch (layout) {
                        case COMPACT -> ":";
                        case PRETTY -> ": ";
                        case SPACED -> " : ";
                    });
            value(e.getValue(), level + 1);
        }
        if (!first) newline(level);
        else if (layout == Layout.SPACED) out.append(' ');
        out.append('}');
    }

    private void array(Collection<?> list, int level) {
        if (layout == Layout.SPACED) {
            // on one line, and an object in it indented as if the array were not there
            out.append('[');
            boolean first = true;
            for (Object item : list) {
                out.append(first ? " " : ", ");
                first = false;
                value(item, level);
            }
            out.append(" ]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (Object item : list) {
            if (!first) out.append(',');
            first = false;
            newline(level + 1);
            value(item, level + 1);
        }
        if (!first) newline(level);
        out.append(']');
    }

    private void newline(int level) {
        if (layout == Layout.COMPACT) return;
        out.append('\n');
        for (int i = 0; i < level; i++) out.append("  ");
    }

    private void string(String s) {
        out.append('"');
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && !Character.isSurrogate(c)) continue;
            out.append(s, start, i);
            start = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default ->
                    out.append("\\u")
                            .append(HEX[c >> 12])
                            .append(HEX[(c >> 8) & 0xF])
                            .append(HEX[(c >> 4) & 0xF])
                            .append(HEX[c & 0xF]);
            }
        }
        out.append(s, start, s.length()).append('"');
    }
}
