package org.openbwc.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Records built in code are checked as strictly as loaded ones, with messages naming key, value and rule. */
class RecordConstructorTest {

    @Test
    void rejectsAnOutOfRangeValueNamingKeyValueAndRange() {
        assertThatThrownBy(() -> new RecordingConfig(500, 10, false, 400, 3000, 5000, 60, 2000, 3000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("RecordingConfig.preEventSeconds: 500 is out of range (allowed: 0..120)");
    }

    @Test
    void reportsAllBadValuesOfOneRecordAtOnce() {
        assertThatThrownBy(() -> new TelemetryConfig(1, 0, 15, 99))
                .hasMessage("TelemetryConfig.statusIntervalSeconds: 1 is out of range (allowed: 5..3600); "
                        + "TelemetryConfig.locationIntervalSeconds: 0 is out of range (allowed: 1..3600); "
                        + "TelemetryConfig.storageLowPercent: 99 is out of range (allowed: 1..50)");
    }

    @Test
    void rejectsBadTextWithTheRuleInWords() {
        assertThatThrownBy(() -> UnitConfig.defaults("unit/1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "UnitConfig.unitId: unit/1 is not valid (allowed: 1 to 64 letters, digits, '_' or '-'; it becomes an"
                                + " MQTT topic level, so no '/', '+', '#' or spaces)");
        assertThatThrownBy(() -> MqttConfig.defaults().withUrl("tcp://broker"))
                .hasMessage("MqttConfig.url: tcp://broker is not a valid URL: it has no port (allowed: tcp://HOST:PORT,"
                        + " ssl://HOST:PORT, ws://HOST:PORT or wss://HOST:PORT, e.g. tcp://127.0.0.1:1883)");
        assertThatThrownBy(() -> UnitConfig.defaults("u").withDataDir(""))
                .hasMessage("UnitConfig.dataDir: \"\" is empty (allowed: 1 to 4096 characters)");
    }

    @Test
    void rejectsNullForKeysThatMayNotBeLeftOut() {
        assertThatThrownBy(() -> UnitConfig.defaults("u").withMqtt(null))
                .hasMessageStartingWith("UnitConfig.mqtt: must be set (allowed: a mapping of url, clientId,");
        assertThatThrownBy(() -> UnitConfig.defaults("u").withHal(null))
                .hasMessage("UnitConfig.hal: must be set (allowed: mock, pi)");
    }

    @Test
    void rejectsCrossKeyClashes() {
        GpioConfig defaults = GpioConfig.defaults();
        assertThatThrownBy(() -> new GpioConfig(
                        defaults.recordButton(),
                        defaults.functionButton(),
                        defaults.sosButton(),
                        defaults.trigger(),
                        defaults.dockSense(),
                        LedConfig.defaults(17),
                        defaults.redLed(),
                        defaults.amberLed(),
                        defaults.haptic(),
                        defaults.batteryGauge()))
                .hasMessage("GpioConfig.greenLed.pin: 17 is already used by recordButton");
        assertThatThrownBy(() -> GnssConfig.defaults().withSource(GnssSource.GPX))
                .hasMessage("GnssConfig.gpxFile: is required when source is gpx (allowed: path to a GPX track, e.g."
                        + " tracks/unit-1.gpx, or bundled:N)");
        assertThatThrownBy(() -> GatewayConfig.defaults("gw")
                        .withBroker(BrokerConfig.defaults().withEmbedded(true).withPort(8080)))
                .hasMessage(
                        "GatewayConfig.http.port: 8080 is already used by broker (allowed: a port other than 8080)");
        assertThatThrownBy(() -> EvidenceStoreConfig.defaults().withStore(EvidenceStoreKind.S3))
                .hasMessageContaining("EvidenceStoreConfig.s3.endpoint: is required when store is s3")
                .hasMessageContaining("EvidenceStoreConfig.s3.bucket: is required when store is s3")
                .hasMessageContaining("EvidenceStoreConfig.s3.accessKeyFile: is required when store is s3")
                .hasMessageContaining("EvidenceStoreConfig.s3.secretKeyFile: is required when store is s3");
    }

    @Test
    void aDisabledInputLeavesItsPinFree() {
        GpioConfig defaults = GpioConfig.defaults();
        GpioConfig gpio = new GpioConfig(
                defaults.recordButton(),
                defaults.functionButton(),
                defaults.sosButton(),
                InputConfig.defaults(false, 17),
                defaults.dockSense(),
                defaults.greenLed(),
                defaults.redLed(),
                defaults.amberLed(),
                defaults.haptic(),
                defaults.batteryGauge());
        assertThat(gpio.trigger().pin()).isEqualTo(17);
    }

    @Test
    void clientIdFollowsTheIdUnlessSetExplicitly() {
        UnitConfig unit = UnitConfig.defaults("unit-1");
        assertThat(unit.mqtt().clientId()).isEqualTo("unit-1");
        assertThat(unit.withUnitId("unit-2").mqtt().clientId()).isEqualTo("unit-2");
        assertThat(unit.withMqtt(MqttConfig.defaults()).mqtt().clientId()).isEqualTo("unit-1");

        UnitConfig custom = unit.withMqtt(unit.mqtt().withClientId("cam-a"));
        assertThat(custom.withUnitId("unit-2").mqtt().clientId()).isEqualTo("cam-a");

        GatewayConfig gateway = GatewayConfig.defaults("gw-1");
        assertThat(gateway.mqtt().clientId()).isEqualTo("gw-1");
        assertThat(gateway.withGatewayId("gw-2").mqtt().clientId()).isEqualTo("gw-2");
        assertThat(gateway.withMqtt(MqttConfig.defaults().withClientId("gw-console"))
                        .mqtt()
                        .clientId())
                .isEqualTo("gw-console");
    }

    @Test
    void withersChangeOnlyTheirField() {
        UnitConfig unit = UnitConfig.defaults("u");
        assertThat(unit.withOfficerId("4711").officerId()).isEqualTo("4711");
        assertThat(unit.withHal(HalMode.MOCK).hal()).isEqualTo(HalMode.MOCK);
        assertThat(unit.withDataDir("/tmp/x"))
                .isEqualTo(new UnitConfig(
                        "u",
                        "",
                        HalMode.PI,
                        "/tmp/x",
                        unit.mqtt(),
                        unit.recording(),
                        unit.telemetry(),
                        unit.gpio(),
                        unit.gnss(),
                        unit.video(),
                        unit.audio(),
                        unit.evidence(),
                        unit.mock(),
                        unit.enrolment(),
                        unit.live(),
                        unit.offload()));
        assertThat(unit.withOffload(OffloadConfig.defaults().withWhen(OffloadWhen.ANY_LINK))
                        .offload())
                .isEqualTo(new OffloadConfig(OffloadWhen.ANY_LINK, null, 50, 4, true));
        assertThat(unit.withTelemetry(
                                unit.telemetry().withStatusIntervalSeconds(5).withLocationIntervalSeconds(1))
                        .telemetry())
                .isEqualTo(new TelemetryConfig(5, 1, 15, 10));
        assertThat(MockConfig.defaults()
                        .withBatteryDrainPercentPerHour(900)
                        .withGpxSpeedFactor(3)
                        .withClockSet(false))
                .isEqualTo(new MockConfig(100, 900, false, 3));
        assertThat(GnssConfig.defaults().withGpxFile("t.gpx").withSource(GnssSource.GPX))
                .isEqualTo(new GnssConfig(GnssSource.GPX, "127.0.0.1", 2947, "t.gpx"));
        assertThat(RecordingConfig.defaults()
                        .withPreEventSeconds(5)
                        .withPostEventSeconds(0)
                        .withPreEventAudio(true)
                        .withReminderIntervalSeconds(0))
                .isEqualTo(new RecordingConfig(5, 0, true, 400, 3000, 5000, 0, 2000, 3000));
        GatewayConfig gateway = GatewayConfig.defaults("gw");
        assertThat(gateway.withHttp(HttpConfig.defaults().withPort(9090)).http().port())
                .isEqualTo(9090);
        assertThat(gateway.withDataDir("d").dataDir()).isEqualTo("d");
        EvidenceS3Config bucket = new EvidenceS3Config(
                "https://minio.example:9000", "us-east-1", "bwc-evidence", null, "/etc/a", "/etc/s", 0);
        GatewayConfig s3 = gateway.withEvidence(
                EvidenceStoreConfig.defaults().withS3(bucket).withStore(EvidenceStoreKind.S3));
        assertThat(s3.evidence()).isEqualTo(new EvidenceStoreConfig(EvidenceStoreKind.S3, null, bucket));
        assertThat(s3.withDatabase(DatabaseConfig.defaults().withUser("bwc")).evidence())
                .isEqualTo(s3.evidence());
        assertThat(gateway.withMqtt(gateway.mqtt().withUrl("ws://h:80/mqtt"))
                        .mqtt()
                        .url())
                .isEqualTo("ws://h:80/mqtt");
    }

    /**
     * Every compact constructor passes its values to the checks in component order; a swapped argument would check a
     * value against another key's rule. Pushing each ranged key just past its limit must name exactly that key.
     */
    @Test
    void everyRangedKeyOfEveryRecordIsCheckedUnderItsOwnName() throws Exception {
        List<Record> samples = new ArrayList<>();
        collect(UnitConfig.defaults("u"), samples);
        collect(GatewayConfig.defaults("g"), samples);
        assertThat(samples)
                .extracting(r -> r.getClass().getSimpleName())
                .contains(
                        "UnitConfig",
                        "MqttConfig",
                        "RecordingConfig",
                        "TelemetryConfig",
                        "GpioConfig",
                        "ButtonConfig",
                        "InputConfig",
                        "LedConfig",
                        "HapticConfig",
                        "BatteryGaugeConfig",
                        "GnssConfig",
                        "MockConfig",
                        "GatewayConfig",
                        "BrokerConfig",
                        "HttpConfig");
        int checked = 0;
        for (Record sample : samples) {
            RecordComponent[] components = sample.getClass().getRecordComponents();
            for (int i = 0; i < components.length; i++) {
                RecordComponent component = components[i];
                String key = sample.getClass().getSimpleName() + "." + component.getName() + ": ";
                IntRange intRange = component.getAnnotation(IntRange.class);
                DecimalRange decimalRange = component.getAnnotation(DecimalRange.class);
                if (intRange != null) {
                    Object tooBig = component.getType() == long.class
                            ? (Object) (intRange.max() + 1)
                            : (Object) (int) (intRange.max() + 1);
                    assertThat(construct(sample, i, tooBig)).startsWith(key).contains("is out of range");
                    Object tooSmall = component.getType() == long.class
                            ? (Object) (intRange.min() - 1)
                            : (Object) (int) (intRange.min() - 1);
                    assertThat(construct(sample, i, tooSmall)).startsWith(key).contains("is out of range");
                    checked++;
                } else if (decimalRange != null) {
                    assertThat(construct(sample, i, decimalRange.max() + 1))
                            .startsWith(key)
                            .contains("is out of range");
                    assertThat(construct(sample, i, Double.NaN)).startsWith(key + "NaN is not a finite number");
                    checked++;
                } else if (component.getType() == String.class) {
                    TextLength length = component.getAnnotation(TextLength.class);
                    if (length != null && length.min() == 0) {
                        assertThat(construct(sample, i, "x".repeat(length.max() + 1)))
                                .startsWith(key)
                                .contains("is too long");
                    } else {
                        assertThat(construct(sample, i, "")).startsWith(key + "\"\" is");
                    }
                    checked++;
                } else if (!component.getType().isPrimitive() && component.getAnnotation(NullMeans.class) == null) {
                    assertThat(construct(sample, i, null)).startsWith(key + "must be set");
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(60);
    }

    private static void collect(Record record, List<Record> out) throws Exception {
        if (out.stream().anyMatch(r -> r.getClass() == record.getClass())) {
            return;
        }
        out.add(record);
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            if (component.getAccessor().invoke(record) instanceof Record nested) {
                collect(nested, out);
            }
        }
    }

    /** Rebuilds {@code sample} with component {@code index} replaced and returns the constructor's error message. */
    private static String construct(Record sample, int index, Object value) throws Exception {
        RecordComponent[] components = sample.getClass().getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Map<Integer, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            args.put(i, i == index ? value : components[i].getAccessor().invoke(sample));
        }
        Constructor<?> constructor = sample.getClass().getDeclaredConstructor(types);
        try {
            constructor.newInstance(args.values().toArray());
        } catch (InvocationTargetException e) {
            assertThat(e.getCause()).isInstanceOf(IllegalArgumentException.class);
            return e.getCause().getMessage();
        }
        throw new AssertionError(sample.getClass().getSimpleName() + " accepted " + value + " for component " + index);
    }
}
