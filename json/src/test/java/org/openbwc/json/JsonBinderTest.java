package org.openbwc.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class JsonBinderTest {
    enum Colour {
        RED,
        DARK_BLUE
    }

    enum Kind implements JsonNamed {
        STARTED("recording.started"),
        STOPPED("recording.stopped");
        private final String name;

        Kind(String name) {
            this.name = name;
        }

        @Override
        public String jsonName() {
            return name;
        }
    }

    record Inner(int n, String label) {
        Inner {
            if (n < 0) throw new IllegalArgumentException("n " + n + " must be >= 0");
        }
    }

    record Everything(
            String s,
            boolean b,
            int i,
            long l,
            double d,
            Integer boxed,
            Long boxedLong,
            Double boxedDouble,
            Boolean flag,
            Colour colour,
            Kind kind,
            Instant at,
            byte[] bytes,
            Inner inner,
            List<Inner> inners,
            Map<String, String> tags,
            Object free) {
        Everything {
            Objects.requireNonNull(s, "s is required");
        }
    }

    private static Everything sample() {
        return new Everything(
                "x",
                true,
                -3,
                1L << 40,
                0.25,
                7,
                null,
                2.5,
                null,
                Colour.DARK_BLUE,
                Kind.STARTED,
                Instant.parse("2026-11-29T10:15:30.123Z"),
                new byte[] {1, 2, 3},
                new Inner(1, "a"),
                List.of(new Inner(2, "b"), new Inner(3, null)),
                Map.of("k", "v"),
                List.of(1L, "two"));
    }

    @Test
    void writesARecordAsAnObjectInComponentOrder() {
        String json = JsonWriter.compactString(JsonBinder.toPlain(sample()));
        assertThat(json)
                .isEqualTo(
                        "{\"s\":\"x\",\"b\":true,\"i\":-3,\"l\":1099511627776,\"d\":0.25,\"boxed\":7,\"boxedLong\":null,"
                                + "\"boxedDouble\":2.5,\"flag\":null,\"colour\":\"DARK_BLUE\",\"kind\":\"recording.started\","
                                + "\"at\":\"2026-11-29T10:15:30.123Z\",\"bytes\":\"AQID\",\"inner\":{\"n\":1,\"label\":\"a\"},"
                                + "\"inners\":[{\"n\":2,\"label\":\"b\"},{\"n\":3,\"label\":null}],\"tags\":{\"k\":\"v\"},\"free\":[1,\"two\"]}");
        assertThat(JsonWriter.compactString(JsonBinder.toPlainWithoutNulls(new Inner(3, null))))
                .isEqualTo("{\"n\":3}");
        assertThat(JsonWriter.compactString(JsonBinder.toPlain(Instant.parse("2026-11-29T10:15:30Z"))))
                .isEqualTo("\"2026-11-29T10:15:30Z\"");
    }

    @Test
    void readsBackWhatItWrote() {
        Everything e = sample();
        Everything back =
                JsonBinder.bind(JsonReader.parse(JsonWriter.compact(JsonBinder.toPlain(e))), Everything.class);
        assertThat(back).usingRecursiveComparison().isEqualTo(e);
        assertThat(back.bytes()).containsExactly(1, 2, 3);
    }

    @Test
    void ignoresUnknownMembersAndLeavesMissingObjectsNull() {
        Inner in = JsonBinder.bind(JsonReader.parse("{\"n\":4,\"extra\":{\"deep\":[1]}}"), Inner.class);
        assertThat(in).isEqualTo(new Inner(4, null));
    }

    @Test
    void aMissingOrNullPrimitiveIsAnError() {
        assertThatThrownBy(() -> JsonBinder.bind(JsonReader.parse("{\"label\":\"x\"}"), Inner.class))
                .isInstanceOf(JsonException.class)
                .hasMessage("field 'n' is missing or null");
        assertThatThrownBy(() -> JsonBinder.bind(JsonReader.parse("{\"n\":null}"), Inner.class))
                .hasMessage("field 'n' is missing or null");
    }

    @Test
    void theConstructorsCheckBecomesTheMessage() {
        assertThatThrownBy(() -> JsonBinder.bind(JsonReader.parse("{\"n\":-1}"), Inner.class))
                .isInstanceOf(JsonException.class)
                .hasMessage("n -1 must be >= 0")
                .hasCauseInstanceOf(IllegalArgumentException.class);
        String nested = "{\"s\":\"x\",\"b\":true,\"i\":1,\"l\":1,\"d\":1,\"inner\":{\"n\":-2}}";
        assertThatThrownBy(() -> JsonBinder.bind(JsonReader.parse(nested), Everything.class))
                .hasMessage("field 'inner': n -2 must be >= 0");
        assertThatThrownBy(() ->
                        JsonBinder.bind(JsonReader.parse("{\"b\":true,\"i\":1,\"l\":1,\"d\":1}"), Everything.class))
                .hasMessage("s is required");
    }

    @Test
    void wrongTypesNameTheFieldAndWhatWasFound() {
        String base = "\"s\":\"x\",\"b\":true,\"i\":1,\"l\":1,\"d\":1";
        assertThatThrownBy(() -> bind("{" + base + ",\"colour\":\"GREEN\"}"))
                .hasMessage("field 'colour': 'GREEN' is not one of RED, DARK_BLUE");
        assertThatThrownBy(() -> bind("{" + base + ",\"kind\":\"STARTED\"}"))
                .hasMessage("field 'kind': 'STARTED' is not one of recording.started, recording.stopped");
        assertThatThrownBy(() -> bind("{\"s\":\"x\",\"b\":\"yes\",\"i\":1,\"l\":1,\"d\":1}"))
                .hasMessage("field 'b' must be true or false, not the text 'yes'");
        assertThatThrownBy(() -> bind("{\"s\":\"x\",\"b\":true,\"i\":1.5,\"l\":1,\"d\":1}"))
                .hasMessage("field 'i' must be a whole number from -2147483648 to 2147483647, not 1.5");
        assertThatThrownBy(() -> bind("{\"s\":\"x\",\"b\":true,\"i\":3000000000,\"l\":1,\"d\":1}"))
                .hasMessage("field 'i' must be a whole number from -2147483648 to 2147483647, not 3000000000");
        assertThatThrownBy(() -> bind("{\"s\":\"x\",\"b\":true,\"i\":1,\"l\":\"1\",\"d\":1}"))
                .hasMessage("field 'l' must be a whole number, not the text '1'");
        assertThatThrownBy(() -> bind("{\"s\":{},\"b\":true,\"i\":1,\"l\":1,\"d\":1}"))
                .hasMessage("field 's' must be text, not an object");
        assertThatThrownBy(() -> bind("{" + base + ",\"at\":\"yesterday\"}"))
                .hasMessage("field 'at': 'yesterday' is not an ISO-8601 time such as 2026-11-29T10:15:30Z");
        assertThatThrownBy(() -> bind("{" + base + ",\"inners\":[{\"n\":1},{\"n\":\"2\"}]}"))
                .hasMessage("field 'inners[1].n' must be a whole number, not the text '2'");
        assertThatThrownBy(() -> bind("{" + base + ",\"tags\":{\"k\":[1]}}"))
                .hasMessage("field 'tags.k' must be text, not a list");
        assertThatThrownBy(() -> bind("[1]")).hasMessage("the value must be an object, not a list");
        assertThatThrownBy(() -> JsonBinder.bind(null, Inner.class)).hasMessage("the JSON value is null");
    }

    @Test
    void lenientWhereAPersonTypesByHand() {
        String base = "\"s\":5,\"b\":true,\"i\":2.0,\"l\":1,\"d\":1";
        Everything e =
                bind("{" + base + ",\"tags\":{\"seconds\":30,\"on\":true},\"at\":\"2026-11-29T11:15:30+01:00\"}");
        assertThat(e.s()).isEqualTo("5");
        assertThat(e.i()).isEqualTo(2);
        assertThat(e.tags()).containsEntry("seconds", "30").containsEntry("on", "true");
        assertThat(e.at()).isEqualTo(Instant.parse("2026-11-29T10:15:30Z"));
    }

    private static Everything bind(String json) {
        return JsonBinder.bind(JsonReader.parse(json), Everything.class);
    }
}
