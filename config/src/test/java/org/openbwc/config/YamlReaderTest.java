package org.openbwc.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openbwc.config.YamlNode.ScalarType;

/**
 * Pins what each way of writing a value means: the table jackson-dataformat-yaml 2.19 applied when it read these files
 * (YAML 1.1 words and number forms, only for unquoted values), so a parser change cannot silently change a file.
 */
class YamlReaderTest {

    private static final Path FILE = Path.of("unit.yaml");

    private static YamlNode.Scalar scalar(String written) {
        YamlNode.Mapping root = (YamlNode.Mapping)
                YamlReader.parse(FILE, "key: " + written + "\n").root();
        return (YamlNode.Scalar) root.get("key").value();
    }

    private static List<String> syntaxProblems(String text) {
        return assertThrows(ConfigException.class, () -> YamlReader.parse(FILE, text)).problems().stream()
                .map(ConfigProblem::toString)
                .toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "~", "null", "Null", "NULL"})
    void readsNull(String written) {
        assertThat(scalar(written)).isEqualTo(new YamlNode.Scalar(ScalarType.NULL, written, 1, false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"})
    void readsTrue(String written) {
        assertThat(scalar(written).type()).isEqualTo(ScalarType.TRUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"})
    void readsFalse(String written) {
        assertThat(scalar(written).type()).isEqualTo(ScalarType.FALSE);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0",
                "-0",
                "+0",
                "12",
                "+12",
                "-12",
                "1_000",
                "1__",
                "007",
                "012",
                "0_7",
                "0x1F",
                "0x_1f",
                "-0x1F",
                "+0x1f",
                "0b101",
                "-0b1",
                "99999999999999999999"
            })
    void readsWholeNumbers(String written) {
        assertThat(scalar(written)).isEqualTo(new YamlNode.Scalar(ScalarType.INTEGER, written, 1, false));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "1.5", "-1.5", "+1.5", "1.", "0.0", ".5", "-.5", "1e3", "1E3", "1e+3", "1e-3", "1.5e3", "1_000.5",
                "1:30.5", ".inf", "-.inf", "+.inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"
            })
    void readsDecimals(String written) {
        assertThat(scalar(written)).isEqualTo(new YamlNode.Scalar(ScalarType.DECIMAL, written, 1, false));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // Words outside YAML 1.1's spellings, and single letters, which YAML 1.1 reserves but its resolver
                // skips.
                "tRue",
                "yEs",
                "nUll",
                "y",
                "Y",
                "n",
                "N",
                "nan",
                "inf",
                "-.nan",
                ".iNf",
                // Number-like forms YAML 1.1 does not have; 1:30 is sexagesimal 90 in YAML 1.1, but Jackson made it
                // text.
                "1:30",
                "-1:30",
                "08",
                "09",
                "0o17",
                "0X1F",
                "0x1G",
                "1e",
                "1.2.3",
                "2024-01-01",
                "<<",
                "unit-1"
            })
    void readsOtherUnquotedValuesAsText(String written) {
        assertThat(scalar(written)).isEqualTo(new YamlNode.Scalar(ScalarType.STRING, written, 1, false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"123", "1.5", "true", "yes", "null", "~", "0x1F", ""})
    void readsQuotedValuesAsText(String written) {
        assertThat(scalar("\"" + written + "\"")).isEqualTo(new YamlNode.Scalar(ScalarType.STRING, written, 1, false));
        assertThat(scalar("'" + written + "'")).isEqualTo(new YamlNode.Scalar(ScalarType.STRING, written, 1, false));
    }

    @Test
    void letsAnExplicitTagDecide() {
        assertThat(scalar("!!str 123").type()).isEqualTo(ScalarType.STRING);
        assertThat(scalar("!!int '12'").type()).isEqualTo(ScalarType.INTEGER);
        assertThat(scalar("!!float 1").type()).isEqualTo(ScalarType.DECIMAL);
        assertThat(scalar("!!bool y").type()).isEqualTo(ScalarType.TRUE);
        assertThat(scalar("!!bool N").type()).isEqualTo(ScalarType.FALSE);
        assertThat(scalar("!!null x").type()).isEqualTo(ScalarType.NULL);
        assertThat(scalar("!!binary QUJD").type()).isEqualTo(ScalarType.BINARY);
        // The non-specific tag leaves the resolver to decide; an unknown tag leaves text.
        assertThat(scalar("! 12").type()).isEqualTo(ScalarType.INTEGER);
        assertThat(scalar("!unit 12").type()).isEqualTo(ScalarType.STRING);
    }

    @Test
    void readsAnAliasAsItsAnchorName() {
        YamlNode.Mapping root =
                (YamlNode.Mapping) YamlReader.parse(FILE, "a: &id 12\nb: *id\n").root();
        assertThat(root.get("a").value()).isEqualTo(new YamlNode.Scalar(ScalarType.INTEGER, "12", 1, false));
        assertThat(root.get("b").value()).isEqualTo(new YamlNode.Scalar(ScalarType.STRING, "id", 2, true));
    }

    @Test
    void readsATaggedOrAnchoredDocumentLikeAnyOther() {
        for (String start : List.of("--- !unit\n", "--- &all\n", "!unit\n")) {
            YamlNode.Mapping root = (YamlNode.Mapping)
                    YamlReader.parse(FILE, start + "unitId: u\n").root();
            assertThat(root.get("unitId").value()).isEqualTo(new YamlNode.Scalar(ScalarType.STRING, "u", 2, false));
        }
    }

    @Test
    void refusesDeepNestingInsteadOfRunningOutOfStack() {
        assertThat(syntaxProblems("[".repeat(51) + "]".repeat(51)))
                .containsExactly("unit.yaml:1 YAML syntax error: values are nested more than 50 levels deep");
        assertThat(YamlReader.parse(FILE, "[".repeat(50) + "]".repeat(50)).root())
                .isInstanceOf(YamlNode.Sequence.class);
    }

    @Test
    void refusesBinaryThatIsNotBase64() {
        assertThat(syntaxProblems("key: !!binary QUJ\n"))
                .containsExactly("unit.yaml:1 YAML syntax error: !!binary value is not base64");
    }
}
