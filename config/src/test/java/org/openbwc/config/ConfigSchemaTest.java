package org.openbwc.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The generated schemas say exactly what the annotations, and so the loader, say. */
class ConfigSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode unit() throws Exception {
        return JSON.readTree(ConfigSchema.unit());
    }

    private static JsonNode gateway() throws Exception {
        return JSON.readTree(ConfigSchema.gateway());
    }

    @Test
    void keepsTheLayoutJacksonGaveIt() throws Exception {
        // Written by Jackson's default pretty printer until the config module dropped Jackson: the same text, byte for
        // byte, so a schema file an operator saved does not change when regenerated.
        ObjectMapper jackson = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        for (String schema : List.of(ConfigSchema.unit(), ConfigSchema.gateway())) {
            assertThat(schema).isEqualTo(jackson.writeValueAsString(JSON.readTree(schema)) + "\n");
        }
    }

    @Test
    void describesAKeyWithItsRangeDefaultUnitAndDocumentation() throws Exception {
        JsonNode preEvent = unit().at("/properties/recording/properties/preEventSeconds");
        assertThat(preEvent.get("type").asText()).isEqualTo("integer");
        assertThat(preEvent.get("minimum").asLong()).isZero();
        assertThat(preEvent.get("maximum").asLong()).isEqualTo(120);
        assertThat(preEvent.get("default").asInt()).isEqualTo(30);
        assertThat(preEvent.get("description").asText())
                .startsWith("Video kept in a rolling buffer")
                .endsWith("Unit: seconds. Default: 30. Allowed: 0..120.");
    }

    @Test
    void isADraft202012ObjectSchemaThatRequiresTheId() throws Exception {
        JsonNode unit = unit();
        assertThat(unit.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(unit.get("type").asText()).isEqualTo("object");
        assertThat(unit.get("required")).containsExactly(JSON.valueToTree("unitId"));
        assertThat(unit.at("/properties/unitId/pattern").asText()).isEqualTo("^(?:[A-Za-z0-9_-]{1,64})$");
        assertThat(gateway().get("required")).containsExactly(JSON.valueToTree("gatewayId"));
    }

    @Test
    void writesEnumsInLowercaseAndSectionDefaultsPerSection() throws Exception {
        JsonNode unit = unit();
        assertThat(unit.at("/properties/hal/enum")).containsExactly(JSON.valueToTree("mock"), JSON.valueToTree("pi"));
        assertThat(unit.at("/properties/hal/default").asText()).isEqualTo("pi");
        assertThat(unit.at("/properties/gnss/properties/source/enum"))
                .containsExactly(JSON.valueToTree("gpsd"), JSON.valueToTree("gpx"), JSON.valueToTree("none"));
        assertThat(unit.at("/properties/gpio/properties/recordButton/properties/pin/default")
                        .asInt())
                .isEqualTo(17);
        assertThat(unit.at("/properties/gpio/properties/sosButton/properties/pin/default")
                        .asInt())
                .isEqualTo(22);
        assertThat(unit.at("/properties/gpio/properties/trigger/properties/enabled/default")
                        .asBoolean())
                .isFalse();
        assertThat(unit.at("/properties/gpio/properties/dockSense/properties/enabled/default")
                        .asBoolean())
                .isTrue();
        assertThat(unit.at("/properties/gpio/properties/batteryGauge/properties/i2cAddress/default")
                        .asInt())
                .isEqualTo(0x36);
        assertThat(unit.at("/properties/gpio/properties/batteryGauge/properties/i2cAddress/description")
                        .asText())
                .contains("Default: 0x36. Allowed: 0x03..0x77.");
        assertThat(unit.at("/properties/mock/properties/gpxSpeedFactor/minimum").asDouble())
                .isEqualTo(0.1);
    }

    @Test
    void marksOptionalTextAsNullable() throws Exception {
        JsonNode clientId = unit().at("/properties/mqtt/properties/clientId");
        assertThat(clientId.get("type")).containsExactly(JSON.valueToTree("string"), JSON.valueToTree("null"));
        assertThat(clientId.has("default")).isFalse();
        assertThat(clientId.get("description").asText()).endsWith("Leave it out to use the unitId or gatewayId.");
    }

    @Test
    void everyRecordComponentAppearsWithItsAnnotations() throws Exception {
        List<String> checked = new ArrayList<>();
        checkRecord(UnitConfig.class, unit(), "", checked);
        checkRecord(GatewayConfig.class, gateway(), "", checked);
        assertThat(checked)
                .contains(
                        "recording.preEventSeconds", "gpio.haptic.frequencyHz", "mqtt.reconnectMaxSeconds", "http.port")
                .hasSizeGreaterThan(70);
    }

    private static void checkRecord(Class<?> type, JsonNode schema, String prefix, List<String> checked) {
        assertThat(schema.get("type").asText()).as(prefix).isEqualTo("object");
        assertThat(schema.get("additionalProperties").asBoolean(true))
                .as(prefix + " additionalProperties")
                .isFalse();
        RecordComponent[] components = type.getRecordComponents();
        assertThat(schema.get("properties").size())
                .as(prefix + " property count")
                .isEqualTo(components.length);
        for (RecordComponent component : components) {
            String path = prefix + component.getName();
            JsonNode property = schema.get("properties").get(component.getName());
            assertThat(property).as(path).isNotNull();
            assertThat(property.get("description").asText())
                    .as(path)
                    .startsWith(component.getAnnotation(Doc.class).value());
            if (component.getType().isRecord()) {
                checkRecord(component.getType(), property, path + ".", checked);
                continue;
            }
            IntRange intRange = component.getAnnotation(IntRange.class);
            if (intRange != null) {
                assertThat(property.get("minimum").asLong()).as(path).isEqualTo(intRange.min());
                assertThat(property.get("maximum").asLong()).as(path).isEqualTo(intRange.max());
            }
            DecimalRange decimalRange = component.getAnnotation(DecimalRange.class);
            if (decimalRange != null) {
                assertThat(property.get("minimum").asDouble()).as(path).isEqualTo(decimalRange.min());
                assertThat(property.get("maximum").asDouble()).as(path).isEqualTo(decimalRange.max());
            }
            DefaultValue defaultValue = component.getAnnotation(DefaultValue.class);
            if (defaultValue != null) {
                String expected = defaultValue.value();
                JsonNode actual = property.get("default");
                String shown = expected.startsWith("0x") ? String.valueOf(Integer.decode(expected)) : expected;
                assertThat(
                                actual.isNumber() && !actual.isIntegralNumber()
                                        ? String.valueOf(actual.asDouble())
                                        : actual.asText())
                        .as(path)
                        .isEqualTo(shown);
            }
            org.openbwc.config.Pattern pattern = component.getAnnotation(org.openbwc.config.Pattern.class);
            if (pattern != null) {
                assertThat(property.get("pattern").asText()).as(path).isEqualTo("^(?:" + pattern.regex() + ")$");
            }
            checked.add(path);
        }
    }

    @Test
    void urlPatternAgreesWithTheLoader() throws Exception {
        Pattern schemaPattern = Pattern.compile(
                unit().at("/properties/mqtt/properties/url/pattern").asText());
        List<String> good =
                List.of("tcp://127.0.0.1:1883", "ssl://gateway.local:8883", "ws://h:80/mqtt", "wss://[::1]:443");
        List<String> bad = List.of("http://h:80", "tcp://h", "tcp:/h:1883", "h:1883", "tcp://:1883");
        for (String url : good) {
            assertThat(schemaPattern.matcher(url).matches()).as(url).isTrue();
            assertThat(MqttConfig.defaults().withUrl(url).url()).isEqualTo(url);
        }
        for (String url : bad) {
            assertThat(schemaPattern.matcher(url).matches()).as(url).isFalse();
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> MqttConfig.defaults().withUrl(url))
                    .as(url)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
