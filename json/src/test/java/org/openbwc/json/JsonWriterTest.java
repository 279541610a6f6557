package org.openbwc.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonWriterTest {

    @Test
    void compactOutputHasNoWhitespaceAndKeepsMemberOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1L);
        m.put("a", List.of(true, false));
        m.put("n", null);
        m.put("o", Map.of());
        m.put("e", List.of());
        assertThat(JsonWriter.compactString(m)).isEqualTo("{\"z\":1,\"a\":[true,false],\"n\":null,\"o\":{},\"e\":[]}");
    }

    @Test
    void escapesOnlyQuoteBackslashControlCharactersAndSurrogates() {
        String s = "q\" b\\ /é\uD83D\uDE00\b\t\n\f\r\u0001\u001f\u007f";
        assertThat(JsonWriter.compactString(s))
                .isEqualTo("\"q\\\" b\\\\ /é\\uD83D\\uDE00\\b\\t\\n\\f\\r\\u0001\\u001F\u007f\"");
        assertThat(JsonWriter.compact(s)).isEqualTo(JsonWriter.compactString(s).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void numbersAreDecimalIntegersOrShortestRoundTripDoubles() {
        assertThat(JsonWriter.compactString(Arrays.asList(
                        0L,
                        -7,
                        Long.MIN_VALUE,
                        new BigInteger("123456789012345678901"),
                        0.1,
                        30.0,
                        1.0e10,
                        1.0e-7,
                        -0.0,
                        2.5f)))
                .isEqualTo("[0,-7,-9223372036854775808,123456789012345678901,0.1,30.0,1.0E10,1.0E-7,-0.0,2.5]");
        assertThatThrownBy(() -> JsonWriter.compactString(Double.NaN)).hasMessageContaining("no number NaN");
        assertThatThrownBy(() -> JsonWriter.compactString(List.of(Double.POSITIVE_INFINITY)))
                .hasMessageContaining("Infinity");
    }

    @Test
    void whatItWritesReadsBackTheSame() {
        Object v = JsonReader.parse(
                "{\"a\":[1,2.5,\"x\\ny\",null,{\"b\":false}],\"c\":-1.0E-7,\"d\":123456789012345678901}");
        assertThat(JsonReader.parse(JsonWriter.compact(v))).isEqualTo(v);
        assertThat(JsonReader.parse(JsonWriter.pretty(v))).isEqualTo(v);
        assertThat(JsonWriter.compactString(JsonReader.parse(JsonWriter.pretty(v))))
                .isEqualTo(JsonWriter.compactString(v));
    }

    @Test
    void prettyOutputIndentsByTwoSpaces() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1L);
        m.put("b", List.of(1L, Map.of("c", "d")));
        m.put("e", List.of());
        assertThat(JsonWriter.pretty(m)).isEqualTo("""
                {
                  "a": 1,
                  "b": [
                    1,
                    {
                      "c": "d"
                    }
                  ],
                  "e": []
                }
                """);
    }

    @Test
    void spacedOutputIsLaidOutAsJacksonsDefaultPrettyPrinter() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1L);
        m.put("b", List.of("x", 2.5, Map.of("c", "d")));
        m.put("e", List.of());
        m.put("f", Map.of());
        m.put("g", Map.of("h", List.of(true)));
        assertThat(JsonWriter.spaced(m)).isEqualTo("""
                {
                  "a" : 1,
                  "b" : [ "x", 2.5, {
                    "c" : "d"
                  } ],
                  "e" : [ ],
                  "f" : { },
                  "g" : {
                    "h" : [ true ]
                  }
                }
                """);
        assertThat(JsonReader.parse(JsonWriter.spaced(m))).isEqualTo(JsonReader.parse(JsonWriter.compact(m)));
    }

    @Test
    void refusesValuesThatAreNotPlain() {
        assertThatThrownBy(() -> JsonWriter.compactString(new Object()))
                .hasMessageContaining("cannot write a java.lang.Object");
        assertThatThrownBy(() -> JsonWriter.compactString(Map.of(1, 2)))
                .hasMessageContaining("member names are strings");
    }
}
