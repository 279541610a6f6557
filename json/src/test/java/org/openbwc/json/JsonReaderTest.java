package org.openbwc.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonReaderTest {

    @Test
    void readsEveryKindOfValueIntoPlainJavaValues() {
        Object v = JsonReader.parse(
                " {\"s\":\"a\\\"b\\\\c\\/\\n\\u00e9\\uD83D\\uDE00\",\"i\":-12,\"big\":123456789012345678901,"
                        + "\"d\":1.5e2,\"t\":true,\"f\":false,\"n\":null,\"a\":[1,[],{}],\"o\":{\"x\":0}} ");
        assertThat(v).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        assertThat(m.keySet()).containsExactly("s", "i", "big", "d", "t", "f", "n", "a", "o");
        assertThat(m.get("s")).isEqualTo("a\"b\\c/\né\uD83D\uDE00");
        assertThat(m.get("i")).isEqualTo(-12L);
        assertThat(m.get("big")).isEqualTo(new BigInteger("123456789012345678901"));
        assertThat(m.get("d")).isEqualTo(150.0);
        assertThat(m.get("t")).isEqualTo(true);
        assertThat(m.get("f")).isEqualTo(false);
        assertThat(m.containsKey("n")).isTrue();
        assertThat(m.get("n")).isNull();
        assertThat(m.get("a")).isEqualTo(List.of(1L, List.of(), Map.of()));
        assertThat(m.get("o")).isEqualTo(Map.of("x", 0L));
    }

    @Test
    void longBoundariesStayLongsAndBeyondBecomeBigIntegers() {
        assertThat(JsonReader.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(JsonReader.parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(JsonReader.parse("9223372036854775808")).isEqualTo(new BigInteger("9223372036854775808"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''                     | line 1, column 1: no JSON value (the text is empty)",
                "'{\"a\":1,}'           | line 1, column 8: expected a member name in double quotes but found '}'",
                "'{\"a\":1 \"b\":2}'    | line 1, column 8: expected ',' or '}' but found '\"'",
                "'[1,2'                 | line 1, column 5: expected ',' or ']' but found the end of the text",
                "'{\"a\":1,\n\"a\":2}'  | line 2, column 1: member 'a' appears twice in one object",
                "'01'                   | line 1, column 2: a number must not start with 0 followed by more digits",
                "'1.'                   | line 1, column 3: expected a digit after the decimal point but found the end of the text",
                "'-'                    | line 1, column 2: expected a digit but found the end of the text",
                "'1e999'                | line 1, column 1: number 1e999 is too large",
                "'tru'                  | line 1, column 1: expected a JSON value but found 't'",
                "'\"abc'                | line 1, column 5: the text ends inside a string",
                "'\"a\\x\"'             | line 1, column 3: unknown escape \\x in a string",
                "'\"\\u12zz\"'          | line 1, column 4: \\u must be followed by four hex digits",
                "'{} x'                 | line 1, column 4: unexpected 'x' after the JSON value",
                "'NaN'                  | line 1, column 1: expected a JSON value but found 'N'",
            })
    void refusesBadTextAndSaysWhere(String text, String message) {
        assertThatThrownBy(() -> JsonReader.parse(text))
                .isInstanceOf(JsonException.class)
                .hasMessage(message);
    }

    @Test
    void refusesRawControlCharactersInStrings() {
        assertThatThrownBy(() -> JsonReader.parse("\"a\tb\""))
                .hasMessage("line 1, column 3: control character U+0009 inside a string (it must be escaped)");
    }

    @Test
    void refusesInvalidUtf8() {
        assertThatThrownBy(() -> JsonReader.parse(new byte[] {'"', (byte) 0xC3, '"'}))
                .hasMessage("the text is not valid UTF-8");
        assertThat(JsonReader.parse("\"é\"".getBytes(StandardCharsets.UTF_8))).isEqualTo("é");
    }

    @Test
    void refusesNestingBeyondTheLimit() {
        String deep = "[".repeat(JsonReader.MAX_DEPTH + 1) + "]".repeat(JsonReader.MAX_DEPTH + 1);
        assertThatThrownBy(() -> JsonReader.parse(deep)).hasMessageContaining("nested deeper than 64 levels");
        String ok = "[".repeat(JsonReader.MAX_DEPTH) + "]".repeat(JsonReader.MAX_DEPTH);
        assertThat(JsonReader.parse(ok)).isInstanceOf(List.class);
    }

    @Test
    @SuppressWarnings("unchecked")
    void parsedContainersCannotBeChanged() {
        Map<?, ?> m = (Map<?, ?>) JsonReader.parse("{\"a\":[1]}");
        assertThatThrownBy(() -> ((Map<String, Object>) m).put("b", 1))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<Object>) m.get("a")).add(2)).isInstanceOf(UnsupportedOperationException.class);
    }
}
