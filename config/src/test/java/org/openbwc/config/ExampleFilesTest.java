package org.openbwc.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shipped example files validate, explain every key and tell technicians how to get editor support. */
class ExampleFilesTest {

    private static final Path EXAMPLES = Path.of("examples");
    private static final Path UNIT_PI = EXAMPLES.resolve("unit-pi.yaml");
    private static final Path UNIT_LAPTOP = EXAMPLES.resolve("unit-laptop.yaml");
    private static final Path GATEWAY = EXAMPLES.resolve("gateway.yaml");

    @Test
    void allExamplesValidate() {
        assertThat(ConfigValidation.validate(List.of(UNIT_PI, UNIT_LAPTOP, GATEWAY)))
                .isEmpty();
    }

    @Test
    void piUnitUsesRealHardwareAndEnrolsOverTls() {
        UnitConfig unit = ConfigLoader.loadUnit(UNIT_PI);
        assertThat(unit.hal()).isEqualTo(HalMode.PI);
        assertThat(unit.gnss().source()).isEqualTo(GnssSource.GPSD);
        assertThat(unit.mqtt().url()).isEqualTo("ssl://gateway.local:8883");
        assertThat(unit.mqtt().usernameFile()).isNull();
        assertThat(unit.mqtt().clientId()).isEqualTo(unit.unitId());
        assertThat(unit.enrolment().enabled()).isTrue();
        assertThat(unit.enrolment().url()).isEqualTo("https://gateway.local:8444");
    }

    @Test
    void laptopUnitIsSimulatedAndReplaysATrack() {
        UnitConfig unit = ConfigLoader.loadUnit(UNIT_LAPTOP);
        assertThat(unit.hal()).isEqualTo(HalMode.MOCK);
        assertThat(unit.gnss().source()).isEqualTo(GnssSource.GPX);
        assertThat(unit.gnss().gpxFile()).isEqualTo("bundled");
        assertThat(unit.mqtt().url()).isEqualTo("ssl://127.0.0.1:8883");
    }

    @Test
    void gatewayEmbedsTheBrokerAndServesHttp() {
        GatewayConfig gateway = ConfigLoader.loadGateway(GATEWAY);
        assertThat(gateway.broker().embedded()).isTrue();
        assertThat(gateway.broker().port()).isEqualTo(8883);
        assertThat(gateway.http().port()).isEqualTo(8443);
        assertThat(gateway.http().https()).isTrue();
        assertThat(gateway.http().unitPort()).isEqualTo(8444);
        assertThat(gateway.pki().serverHostList()).containsExactly("gateway.example.local", "localhost", "127.0.0.1");
    }

    @Test
    void firstLineExplainsTheSchemaModeline() throws IOException {
        assertThat(Files.readAllLines(UNIT_PI).get(0))
                .startsWith("# ")
                .contains("./bwc config schema unit > unit.schema.json")
                .contains("# yaml-language-server: $schema=unit.schema.json");
        assertThat(Files.readAllLines(UNIT_LAPTOP).get(0)).contains("./bwc config schema unit > unit.schema.json");
        assertThat(Files.readAllLines(GATEWAY).get(0))
                .contains("./bwc config schema gateway > gateway.schema.json")
                .contains("# yaml-language-server: $schema=gateway.schema.json");
    }

    @Test
    void everyKeyIsWrittenOrExplained() throws IOException {
        assertMentionsEveryKey(UNIT_PI, UnitConfig.class);
        assertMentionsEveryKey(UNIT_LAPTOP, UnitConfig.class);
        assertMentionsEveryKey(GATEWAY, GatewayConfig.class);
    }

    private static void assertMentionsEveryKey(Path file, Class<?> type) throws IOException {
        String text = Files.readString(file);
        for (RecordComponent component : type.getRecordComponents()) {
            assertThat(Pattern.compile("\\b" + component.getName() + "\\b")
                            .matcher(text)
                            .find())
                    .as(file + " mentions " + component.getName())
                    .isTrue();
            if (component.getType().isRecord()) {
                assertMentionsEveryKey(file, component.getType());
            }
        }
    }
}
