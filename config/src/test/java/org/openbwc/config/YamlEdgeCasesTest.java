package org.openbwc.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** YAML features and file encodings that trip up hand-edited files. */
class YamlEdgeCasesTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static List<String> problems(Path file) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.loadUnit(file)).problems().stream()
                .map(ConfigProblem::toString)
                .toList();
    }

    @Test
    void acceptsHexUnderscoresLeadingZerosAndAByteOrderMark() throws IOException {
        Path file = write(
                "unit.yaml",
                "\uFEFFunitId: unit-1\ngpio:\n  recordButton:\n    pin: 010\n    debounceMicros: 20_000\n"
                        + "  batteryGauge:\n    i2cAddress: 0x3C\n");
        UnitConfig unit = ConfigLoader.loadUnit(file);
        // 010 is ten: technicians mean decimal, not YAML 1.1 octal.
        assertThat(unit.gpio().recordButton().pin()).isEqualTo(10);
        assertThat(unit.gpio().recordButton().debounceMicros()).isEqualTo(20_000L);
        assertThat(unit.gpio().batteryGauge().i2cAddress()).isEqualTo(0x3C);
    }

    @Test
    void readsNumbersAndBooleansAsTextForTextKeys() throws IOException {
        UnitConfig unit = ConfigLoader.loadUnit(write("unit.yaml", "unitId: 007\nofficerId: 4711\n"));
        assertThat(unit.unitId()).isEqualTo("007");
        assertThat(unit.officerId()).isEqualTo("4711");
    }

    @Test
    void refusesNonFiniteNumbers() throws IOException {
        Path file =
                write("unit.yaml", "unitId: u\nmock:\n  gpxSpeedFactor: .nan\n  batteryDrainPercentPerHour: -.inf\n");
        assertThat(problems(file))
                .containsExactly(
                        file + ":3 mock.gpxSpeedFactor: .nan is not a finite number (allowed: 0.1..100)",
                        file + ":4 mock.batteryDrainPercentPerHour: -.inf is not a finite number (allowed: 0..10000)");
    }

    @Test
    void refusesAHugeValueAtOnceNamingItsKeyAndLine() throws IOException {
        Path file = write("unit.yaml", "unitId: u\nofficerId: " + "x".repeat(5_000_000) + "\n");
        assertThat(problems(file))
                .singleElement()
                .asString()
                .startsWith(file + ":2 officerId: holds 5000011 characters; a configuration value is at most 65536");

        Path block =
                write("unit.yaml", "unitId: u\nmock:\n  gpxFile: |\n" + ("    " + "y".repeat(1000) + "\n").repeat(100));
        assertThat(problems(block))
                .singleElement()
                .asString()
                .startsWith(block + ":3 mock.gpxFile: holds 100100 characters");
    }

    @Test
    void refusesFilesThatAreNotUtf8() throws IOException {
        Path file = Files.write(dir.resolve("unit.yaml"), "unitId: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(problems(file)).containsExactly(file + " is not UTF-8 text; save it as UTF-8");
    }

    @Test
    void refusesASecondDocumentButStillChecksTheFirst() throws IOException {
        Path file = write("unit.yaml", "unitId: unit-1\nhal: laptop\n---\nunitId: unit-2\n");
        assertThat(problems(file))
                .containsExactly(
                        file + ":2 hal: laptop is not a valid choice (allowed: mock, pi)",
                        file
                                + ":4 a second YAML document starts here (after ---); a configuration file holds exactly one");
    }

    @Test
    void refusesAliases() throws IOException {
        Path file = write("unit.yaml", "unitId: &id unit-1\nofficerId: *id\n");
        assertThat(problems(file))
                .containsExactly(file
                        + ":2 officerId: *id is a YAML alias, which is not supported (allowed: the value written out)");
    }

    @Test
    void reportsUnknownKeysInsideListsAndNestedSections() throws IOException {
        Path file = write("unit.yaml", "unitId: u\ngpio:\n  recordButton:\n    pins: 4\n  buzzer: {pin: 9}\n");
        assertThat(problems(file))
                .containsExactly(
                        file
                                + ":4 gpio.recordButton.pins: unknown key, did you mean pin? (allowed: pin, debounceMicros,"
                                + " activeLow)",
                        file + ":5 gpio.buzzer: unknown key (allowed: recordButton, functionButton, sosButton, trigger,"
                                + " dockSense, greenLed, redLed, amberLed, haptic, batteryGauge)");
    }

    @Test
    void reportsAnUnsupportedValueOnAnIndividualKeyOnlyOnce() throws IOException {
        // A bad pin must not also show up as a pin clash, and a bad id must not break the rest of the check.
        Path file = write("unit.yaml", "unitId: a b\ngpio:\n  redLed: {pin: x}\n  greenLed: {pin: 6}\n");
        assertThat(problems(file))
                .containsExactly(
                        file
                                + ":1 unitId: \"a b\" is not valid (allowed: 1 to 64 letters, digits, '_' or '-'; it becomes an"
                                + " MQTT topic level, so no '/', '+', '#' or spaces)",
                        file + ":3 gpio.redLed.pin: x is not a whole number (allowed: 0..27)");
    }

    @Test
    void findsPinClashesEvenWhenAnotherPartOfTheSectionIsInvalid() throws IOException {
        Path file = write("unit.yaml", "unitId: u\ngpio:\n  redLed: {pin: 17, brightnessPercent: 0}\n");
        assertThat(problems(file))
                .containsExactly(
                        file + ":3 gpio.redLed.brightnessPercent: 0 is out of range (allowed: 1..100)",
                        file + ":3 gpio.redLed.pin: 17 is already used by gpio.recordButton");
    }
}
