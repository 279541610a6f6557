package org.openbwc.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real broken files as technicians write them; every problem must be reported, exactly and with its line. */
class BadConfigFilesTest {

    private static final Path BAD = Path.of("src/test/resources/bad");
    private static final String RECORDING_KEYS =
            "preEventSeconds, postEventSeconds, preEventAudio, doublePressMillis, stopHoldMillis, stopConfirmMillis,"
                    + " reminderIntervalSeconds, sosHoldMillis, stealthHoldMillis";
    private static final String UNIT_KEYS =
            "unitId, officerId, hal, dataDir, mqtt, recording, telemetry, gpio, gnss, video, audio, evidence, mock,"
                    + " enrolment, live, offload";
    private static final String ID_RULE =
            "1 to 64 letters, digits, '_' or '-'; it becomes an MQTT topic level, so no '/', '+', '#' or spaces";
    private static final String URL_RULE =
            "tcp://HOST:PORT, ssl://HOST:PORT, ws://HOST:PORT or wss://HOST:PORT, e.g. tcp://127.0.0.1:1883";
    private static final String TOP_LEVEL_RULE =
            "a YAML mapping of keys, starting with unitId: for a unit or gatewayId: for a gateway";

    private static List<String> unitProblems(String name) {
        Path file = BAD.resolve(name);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadUnit(file));
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    private static String at(String name) {
        return BAD.resolve(name).toString();
    }

    @Test
    void reportsEveryProblemOfAFileWithSeveralMistakes() {
        String f = at("multiple-problems.yaml");
        assertThat(unitProblems("multiple-problems.yaml"))
                .containsExactly(
                        f + ":2 unitId: unit/7 is not valid (allowed: " + ID_RULE + ")",
                        f + ":3 hal: raspberry is not a valid choice (allowed: mock, pi)",
                        f + ":5 recording.preEventSeconds: 500 is out of range (allowed: 0..120)",
                        f + ":6 recording.postEventSecs: unknown key, did you mean postEventSeconds? (allowed: "
                                + RECORDING_KEYS + ")",
                        f
                                + ":8 mqtt.url: http://gateway.local is not a valid URL: scheme http is not supported (allowed: "
                                + URL_RULE + ")",
                        f + ":9 mqtt.password: inline credentials are not allowed"
                                + " (allowed: usernameFile/passwordFile pointing to a file)",
                        f + ":11 telemetry.batteryLowPercent: low is not a whole number (allowed: 1..50)",
                        f + ":14 gpio.redLed.pin: 17 is already used by gpio.recordButton");
    }

    @Test
    void problemCarriesEachPartSeparately() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> ConfigLoader.loadUnit(BAD.resolve("multiple-problems.yaml")));
        ConfigProblem range = e.problems().get(2);
        assertThat(range.file()).isEqualTo(BAD.resolve("multiple-problems.yaml"));
        assertThat(range.line()).isEqualTo(5);
        assertThat(range.key()).isEqualTo("recording.preEventSeconds");
        assertThat(range.value()).isEqualTo("500");
        assertThat(range.problem()).isEqualTo("is out of range");
        assertThat(range.allowed()).isEqualTo("0..120");
        assertThat(e.getMessage()).contains(range.toString()).contains("unit/7").hasLineCount(8);
    }

    @Test
    void suggestsTheKeyThatWasProbablyMeant() {
        String f = at("typo-key.yaml");
        assertThat(unitProblems("typo-key.yaml"))
                .containsExactly(
                        f + ":3 recording.preEventSecond: unknown key, did you mean preEventSeconds? (allowed: "
                                + RECORDING_KEYS + ")",
                        f + ":4 telemtry: unknown key, did you mean telemetry? (allowed: " + UNIT_KEYS + ")");
    }

    @Test
    void pointsAKeyThatLostItsIndentationToItsSection() {
        assertThat(unitProblems("wrong-indentation.yaml"))
                .containsExactly(at("wrong-indentation.yaml")
                        + ":3 preEventSeconds: unknown key, did you mean recording.preEventSeconds? (allowed: "
                        + UNIT_KEYS + ")");
    }

    @Test
    void refusesInlineCredentialsWithoutEchoingThem() {
        String f = at("inline-password.yaml");
        List<String> problems = unitProblems("inline-password.yaml");
        assertThat(problems)
                .containsExactly(
                        f + ":4 mqtt.username: inline credentials are not allowed"
                                + " (allowed: usernameFile/passwordFile pointing to a file)",
                        f + ":5 mqtt.password: inline credentials are not allowed"
                                + " (allowed: usernameFile/passwordFile pointing to a file)");
        assertThat(String.join("\n", problems)).doesNotContain("s3cret").doesNotContain("officer");
    }

    @Test
    void reportsSyntaxErrorsWithTheirLine() {
        assertThat(unitProblems("syntax-error.yaml"))
                .containsExactly(at("syntax-error.yaml") + ":4 YAML syntax error: mapping values are not allowed here");
        assertThat(unitProblems("tab-indent.yaml"))
                .containsExactly(at("tab-indent.yaml")
                        + ":3 YAML syntax error: a tab character is used for indentation; YAML allows only spaces");
    }

    @Test
    void reportsWrongTypes() {
        String f = at("wrong-types.yaml");
        assertThat(unitProblems("wrong-types.yaml"))
                .containsExactly(
                        f + ":3 recording.preEventSeconds: thirty is not a whole number (allowed: 0..120)",
                        f + ":4 recording.postEventSeconds: 2.5 is not a whole number (allowed: 0..30)",
                        f + ":5 recording.preEventAudio: maybe is not true or false (allowed: true, false)",
                        f + ":6 recording.doublePressMillis: 400 is in quotes, which makes it text, not a whole number;"
                                + " remove the quotes (allowed: 150..1000)",
                        f
                                + ":7 telemetry: \"every minute\" is not a mapping (allowed: a mapping of statusIntervalSeconds,"
                                + " locationIntervalSeconds, batteryLowPercent, storageLowPercent)",
                        f + ":9 gpio.recordButton: expected a mapping, found a list"
                                + " (allowed: a mapping of pin, debounceMicros, activeLow)",
                        f + ":12 mock.batteryDrainPercentPerHour: fast is not a number (allowed: 0..10000)",
                        f
                                + ":13 mock.clockSet: true is in quotes, which makes it text, not true or false; remove the quotes"
                                + " (allowed: true, false)");
    }

    @Test
    void reportsOutOfRangeValuesAsWritten() {
        String f = at("out-of-range.yaml");
        assertThat(unitProblems("out-of-range.yaml"))
                .containsExactly(
                        f
                                + ":2 officerId: this-officer-identifier-is-much-too-long-to-fit-in-sixty-four-characters is too"
                                + " long (72 characters) (allowed: at most 64 characters)",
                        f + ":4 mqtt.keepAliveSeconds: 1 is out of range (allowed: 2..300)",
                        f + ":5 mqtt.reconnectMaxSeconds: 601 is out of range (allowed: 1..600)",
                        f + ":7 recording.preEventSeconds: -1 is out of range (allowed: 0..120)",
                        f + ":8 recording.stopHoldMillis: 99999999999999999999 is out of range (allowed: 1000..10000)",
                        f + ":11 gpio.recordButton.pin: 28 is out of range (allowed: 0..27)",
                        f + ":12 gpio.recordButton.debounceMicros: 1_000_001 is out of range (allowed: 0..1000000)",
                        f + ":14 gpio.batteryGauge.i2cAddress: 0x78 is out of range (allowed: 0x03..0x77)",
                        f + ":16 gnss.gpsdPort: 0 is out of range (allowed: 1..65535)",
                        f + ":18 mock.gpxSpeedFactor: 0.05 is out of range (allowed: 0.1..100)");
    }

    @Test
    void reportsPinsUsedTwiceOnTheKeyThatWasWritten() {
        String f = at("duplicate-pins.yaml");
        // The disabled dockSense on 22 does not clash with sosButton's default 22.
        assertThat(unitProblems("duplicate-pins.yaml"))
                .containsExactly(
                        f + ":6 gpio.functionButton.pin: 17 is already used by gpio.recordButton",
                        f + ":9 gpio.trigger.pin: 6 is already used by gpio.redLed (its default)",
                        f + ":11 gpio.amberLed.pin: 2 is already used by gpio.batteryGauge"
                                + " (allowed: a pin other than 2 and 3, which I2C bus 1 needs)");
    }

    @Test
    void reportsUnknownChoicesWithTheAllowedOnes() {
        String f = at("unknown-enum.yaml");
        assertThat(unitProblems("unknown-enum.yaml"))
                .containsExactly(
                        f + ":2 hal: PI is not a valid choice, did you mean pi? (allowed: mock, pi)",
                        f + ":4 gnss.source: gps is not a valid choice (allowed: gpsd, gpx, none)");
    }

    @Test
    void reportsEmptyFiles() {
        assertThat(unitProblems("empty.yaml"))
                .containsExactly(at("empty.yaml") + " is empty (allowed: " + TOP_LEVEL_RULE + ")");
        assertThat(unitProblems("comments-only.yaml"))
                .containsExactly(at("comments-only.yaml") + " is empty (allowed: " + TOP_LEVEL_RULE + ")");
    }

    @Test
    void reportsATopLevelThatIsNotAMapping() {
        assertThat(unitProblems("top-level-list.yaml"))
                .containsExactly(at("top-level-list.yaml")
                        + ":1 has a list at the top level, not a mapping of keys (allowed: " + TOP_LEVEL_RULE + ")");
    }

    @Test
    void reportsDuplicateKeys() {
        assertThat(unitProblems("duplicate-key.yaml"))
                .containsExactly(at("duplicate-key.yaml")
                        + ":5 recording.preEventSeconds: duplicate key, already set on line 3");
    }

    @Test
    void reportsAMissingRequiredKey() {
        assertThat(unitProblems("missing-unit-id.yaml"))
                .containsExactly(
                        at("missing-unit-id.yaml") + " unitId: missing required key (allowed: " + ID_RULE + ")");
    }

    @Test
    void reportsAKeyWithNothingAfterTheColon() {
        assertThat(unitProblems("empty-value.yaml"))
                .containsExactly(at("empty-value.yaml")
                        + ":3 recording.preEventSeconds: has no value; leave the key out to use the default 30"
                        + " (allowed: 0..120)");
    }

    @Test
    void requiresAGpxFileWhenReplayingATrack() {
        assertThat(unitProblems("gpx-without-file.yaml"))
                .containsExactly(at("gpx-without-file.yaml")
                        + ":3 gnss.gpxFile: is required when source is gpx (allowed: path to a GPX track, e.g."
                        + " tracks/unit-1.gpx, or bundled:N)");
    }

    @Test
    void anS3EvidenceStoreNeedsItsBucketAndKeyFilesAndNoInlineKey() {
        Path file = BAD.resolve("s3-without-bucket.yaml");
        String f = file.toString();
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadGateway(file));
        List<String> problems =
                e.problems().stream().map(ConfigProblem::toString).toList();
        assertThat(problems)
                .containsExactlyInAnyOrder(
                        f + ":7 evidence.s3.secretKey: inline credentials are not allowed"
                                + " (allowed: accessKeyFile/secretKeyFile pointing to a file)",
                        f + ":4 evidence.s3.bucket: is required when store is s3"
                                + " (allowed: an existing bucket's name, e.g. bwc-evidence)",
                        f + ":4 evidence.s3.secretKeyFile: is required when store is s3"
                                + " (allowed: a file holding the key, e.g. /etc/bwc/s3-secret-key)");
        assertThat(String.join("\n", problems)).doesNotContain("do-not-print-me");
    }

    @Test
    void reportsEveryGatewayProblem() {
        Path file = BAD.resolve("gateway-problems.yaml");
        String f = file.toString();
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadGateway(file));
        assertThat(e.problems())
                .map(ConfigProblem::toString)
                .containsExactly(
                        f + ":1 gatewayId: \"gateway #1\" is not valid (allowed: " + ID_RULE + ")",
                        f + ":6 http.port: 8080 is already used by broker (allowed: a port other than 8080)",
                        f + ":7 commandTimeoutMillis: 100 is out of range (allowed: 200..60000)",
                        f + ":8 maxPayloadBytes: 20000000 is out of range (allowed: 1024..16777216)",
                        f + ":10 mqtt.url: tcp://127.0.0.1 is not a valid URL: it has no port (allowed: " + URL_RULE
                                + ")");
    }

    @Test
    void saysSoWhenAFileOfTheOtherKindIsGiven() {
        Path gateway = Path.of("src/test/resources/good/minimal-gateway.yaml");
        assertThat(unitProblemsOf(gateway))
                .containsExactly(gateway + ":1 gatewayId: makes this a gateway file, but a unit file is expected here"
                        + " (allowed: a unit file, which starts with unitId:)");
        Path unit = Path.of("src/test/resources/good/minimal-unit.yaml");
        assertThatThrownBy(() -> ConfigLoader.loadGateway(unit))
                .isInstanceOf(ConfigException.class)
                .hasMessage(unit + ":1 unitId: makes this a unit file, but a gateway file is expected here"
                        + " (allowed: a gateway file, which starts with gatewayId:)");
    }

    @Test
    void reportsFilesThatCannotBeRead() {
        Path missing = Path.of("no-such-dir/unit.yaml");
        assertThat(unitProblemsOf(missing))
                .containsExactly("no-such-dir/unit.yaml does not exist (looked for " + missing.toAbsolutePath() + ")");
        assertThat(unitProblemsOf(BAD)).containsExactly(BAD + " is a directory, not a configuration file");
    }

    private static List<String> unitProblemsOf(Path file) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadUnit(file));
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void detectRefusesFilesWithNeitherOrBothIds() {
        assertThatThrownBy(() -> ConfigLoader.detect(BAD.resolve("missing-unit-id.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(at("missing-unit-id.yaml")
                        + " has neither unitId nor gatewayId at the top level, so it is neither a unit nor a gateway file"
                        + " (allowed: unitId: for a unit, gatewayId: for a gateway)");
        assertThatThrownBy(() -> ConfigLoader.detect(BAD.resolve("both-ids.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(at("both-ids.yaml")
                        + ":2 gatewayId: cannot be combined with unitId (line 1)"
                        + " (allowed: one file configures either one unit or one gateway)");
    }
}
