package org.openbwc.json;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict RFC 8259 parser into plain Java values: objects become {@code Map<String, Object>} in document order, arrays
 * {@code List<Object>}, strings {@code String}, whole numbers {@code Long} (or {@code BigInteger} beyond a long), other
 * numbers {@code Double}, and {@code true}/{@code false}/{@code null} {@code Boolean} and {@code null}.
 *
 * <p>Stricter than most parsers on purpose, because what it reads is evidence and commands: a repeated member name,
 * invalid UTF-8, a control character inside a string, or anything after the value is an error, not a guess.
 */
public final class JsonReader {
    /** Nesting deeper than this is refused; nothing the platform writes comes near it. */
    public static final int MAX_DEPTH = 64;

    private final String text;
    private int pos;
    private int depth;

    private JsonReader(String text) {
        this.text = text;
    }

    /** Parses UTF-8 JSON text. */
    public static Object parse(byte[] utf8) {
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString();
            return parse(text);
        } catch (CharacterCodingException e) {
            throw new JsonException("the text is not valid UTF-8");
        }
    }

    /** Parses JSON text. */
    public static Object parse(String text) {
        JsonReader reader = new JsonReader(text);
        reader.skipWhitespace();
        if (reader.pos == text.length()) throw reader.error("no JSON value (the text is empty)");
        Object value = reader.value();
        reader.skipWhitespace();
        if (reader.pos != text.length()) throw reader.error("unexpected " + reader.found() + " after the JSON value");
        return value;
    }

    private Object value() {
        char c = text.charAt(pos);
        return switch (c) {
            case '{', '[' -> {
                if (++depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH + " levels");
                Object container = c == '{' ? object() : array();
                depth--;
                yield container;
            }
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("expected a JSON value but found " + found());
            }
        };
    }

    private Map<String, Object> object() {
        pos++; // {
        Map<String, Object> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return Collections.unmodifiableMap(members);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') throw error("expected a member name in double quotes but found " + found());
            int nameAt = pos;
            String name = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            if (pos == text.length()) throw error("the text ends inside an object");
            Object value = value();
            if (members.containsKey(name)) {
                pos = nameAt;
                throw error("member '" + name + "' appears twice in one object");
            }
            members.put(name, value);
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == '}') break;
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}' but found " + found());
            }
        }
        return Collections.unmodifiableMap(members);
    }

    private List<Object> array() {
        pos++; // [
        List<Object> items = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return Collections.unmodifiableList(items);
        }
        while (true) {
            skipWhitespace();
            if (pos == text.length()) throw error("the text ends inside an array");
            items.add(value());
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == ']') break;
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']' but found " + found());
            }
        }
        return Collections.unmodifiableList(items);
    }

    private String string() {
        pos++; // opening quote
        StringBuilder out = null;
        int start = pos;
        while (true) {
            if (pos >= text.length()) throw error("the text ends inside a string");
            char c = text.charAt(pos);
            if (c == '"') {
                String s = out == null
                        ? text.substring(start, pos)
                        : out.append(text, start, pos).toString();
                pos++;
                return s;
            }
            if (c < 0x20) throw error("control character U+" + hex4(c) + " inside a string (it must be escaped)");
            if (c != '\\') {
                pos++;
                continue;
            }
            if (out == null) out = new StringBuilder();
            out.append(text, start, pos);
            pos++;
            if (pos >= text.length()) throw error("the text ends inside a string");
            char e = text.charAt(pos++);
            switch (e) {
                case '"' -> out.append('"');
                case '\\' -> out.append('\\');
                case '/' -> out.append('/');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) throw error("the text ends inside a \\u escape");
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = Character.digit(text.charAt(pos + i), 16);
                        if (digit < 0) throw error("\\u must be followed by four hex digits");
                        code = code * 16 + digit;
                    }
                    pos += 4;
                    out.append((char) code);
                }
                default -> {
                    pos -= 2;
                    throw error("unknown escape \\" + e + " in a string");
                }
            }
            start = pos;
        }
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') pos++;
        if (peek() == '0') {
            pos++;
            if (Character.isDigit(peek())) throw error("a number must not start with 0 followed by more digits");
        } else {
            digits("a digit");
        }
        boolean whole = true;
        if (peek() == '.') {
            pos++;
            digits("a digit after the decimal point");
            whole = false;
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') pos++;
            digits("a digit in the exponent");
            whole = false;
        }
        String literal = text.substring(start, pos);
        if (whole) {
            if (literal.length() < 18) return Long.parseLong(literal);
            BigInteger big = new BigInteger(literal);
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        double d = Double.parseDouble(literal);
        if (Double.isInfinite(d)) {
            pos = start;
            throw error("number " + literal + " is too large");
        }
        return d;
    }

    private void digits(String what) {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') pos++;
        if (pos == start) throw error("expected " + what + " but found " + found());
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) throw error("expected a JSON value but found " + found());
        pos += word.length();
        return value;
    }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "' but found " + found());
        pos++;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }

    private String found() {
        if (pos >= text.length()) return "the end of the text";
        char c = text.charAt(pos);
        if (c < 0x20 || c == 0x7f) return "character U+" + hex4(c);
        return "'" + c + "'";
    }

    private JsonException error(String problem) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < pos && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new JsonException("line " + line + ", column " + column + ": " + problem);
    }

    private static String hex4(char c) {
        return String.format("%04X", (int) c);
    }
}
