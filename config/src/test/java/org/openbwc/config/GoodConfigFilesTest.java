package org.openbwc.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Valid files: defaults fill in what is left out, and the effective records are complete. */
class GoodConfigFilesTest {

    private static final Path GOOD = Path.of("src/test/resources/good");

    @Test
    void aFileWithOnlyTheIdGetsEveryDocumentedDefault() {
        UnitConfig unit = ConfigLoader.loadUnit(GOOD.resolve("minimal-unit.yaml"));

        assertThat(unit).isEqualTo(UnitConfig.defaults("unit-1"));
        assertThat(unit.officerId()).isEmpty();
        assertThat(unit.hal()).isEqualTo(HalMode.PI);
        assertThat(unit.dataDir()).isEqualTo("data");
        assertThat(unit.mqtt()).isEqualTo(new MqttConfig("tcp://127.0.0.1:1883", "unit-1", null, null, 10, 10, 30));
        assertThat(unit.recording()).isEqualTo(new RecordingConfig(30, 10, false, 400, 3000, 5000, 60, 2000, 3000));
        assertThat(unit.telemetry()).isEqualTo(new TelemetryConfig(30, 30, 15, 10));
        GpioConfig gpio = unit.gpio();
        assertThat(gpio.recordButton()).isEqualTo(new ButtonConfig(17, 10_000, true));
        assertThat(gpio.functionButton()).isEqualTo(new ButtonConfig(27, 10_000, true));
        assertThat(gpio.sosButton()).isEqualTo(new ButtonConfig(22, 10_000, true));
        assertThat(gpio.trigger()).isEqualTo(new InputConfig(false, 23, 10_000, true));
        assertThat(gpio.dockSense()).isEqualTo(new InputConfig(true, 24, 10_000, true));
        assertThat(gpio.greenLed()).isEqualTo(new LedConfig(5, false, 100));
        assertThat(gpio.redLed()).isEqualTo(new LedConfig(6, false, 100));
        assertThat(gpio.amberLed()).isEqualTo(new LedConfig(13, false, 100));
        assertThat(gpio.haptic()).isEqualTo(new HapticConfig(18, 0, 0, 175, 60));
        assertThat(gpio.batteryGauge()).isEqualTo(new BatteryGaugeConfig(1, 0x36));
        assertThat(unit.gnss()).isEqualTo(new GnssConfig(GnssSource.GPSD, "127.0.0.1", 2947, null));
        assertThat(unit.mock()).isEqualTo(new MockConfig(100, 12.0, true, 1.0));
    }

    @Test
    void partialSectionsKeepTheDefaultsOfKeysTheyLeaveOut() {
        UnitConfig unit = ConfigLoader.loadUnit(GOOD.resolve("tuned-unit.yaml"));

        assertThat(unit.unitId()).isEqualTo("unit_2");
        assertThat(unit.officerId()).isEqualTo("12345");
        assertThat(unit.hal()).isEqualTo(HalMode.MOCK);
        // Relative paths are handed on as written; resolving them is the caller's business.
        assertThat(unit.dataDir()).isEqualTo("./run/unit-2");
        assertThat(unit.mqtt().clientId()).isEqualTo("custom-client");
        assertThat(unit.mqtt().usernameFile()).isEqualTo("secrets/user");
        assertThat(unit.mqtt().passwordFile()).isNull();
        assertThat(unit.recording().preEventSeconds()).isZero();
        assertThat(unit.recording().reminderIntervalSeconds()).isZero();
        assertThat(unit.recording().postEventSeconds()).isEqualTo(10);
        assertThat(unit.gpio().functionButton()).isEqualTo(new ButtonConfig(27, 5_000, true));
        assertThat(unit.gpio().trigger()).isEqualTo(new InputConfig(true, 23, 10_000, true));
        assertThat(unit.gpio().batteryGauge()).isEqualTo(new BatteryGaugeConfig(1, 0x40));
        assertThat(unit.gnss()).isEqualTo(new GnssConfig(GnssSource.GPX, "127.0.0.1", 2947, "tracks/unit-2.gpx"));
        assertThat(unit.mock()).isEqualTo(new MockConfig(100, 10000.0, true, 0.1));
        // "telemetry:" with nothing below it means all defaults.
        assertThat(unit.telemetry()).isEqualTo(TelemetryConfig.defaults());
    }

    @Test
    void clientIdFallsBackToTheId() {
        assertThat(ConfigLoader.loadUnit(GOOD.resolve("minimal-unit.yaml"))
                        .mqtt()
                        .clientId())
                .isEqualTo("unit-1");
        assertThat(ConfigLoader.loadGateway(GOOD.resolve("minimal-gateway.yaml"))
                        .mqtt()
                        .clientId())
                .isEqualTo("gw-1");
    }

    @Test
    void aGatewayFileWithOnlyTheIdGetsEveryDocumentedDefault() {
        GatewayConfig gateway = ConfigLoader.loadGateway(GOOD.resolve("minimal-gateway.yaml"));

        assertThat(gateway).isEqualTo(GatewayConfig.defaults("gw-1"));
        assertThat(gateway.broker()).isEqualTo(new BrokerConfig(false, "127.0.0.1", 8883));
        assertThat(gateway.http()).isEqualTo(new HttpConfig("127.0.0.1", 8080, 8444, false, null, null));
        assertThat(gateway.commandTimeoutMillis()).isEqualTo(5000);
        assertThat(gateway.maxPayloadBytes()).isEqualTo(65536);
        assertThat(gateway.dataDir()).isEqualTo("gateway-data");
        assertThat(gateway.mqtt()).isEqualTo(new MqttConfig("tcp://127.0.0.1:1883", "gw-1", null, null, 10, 10, 30));
    }

    @Test
    void anExternalBrokerMayShareItsPortNumberWithHttp() {
        GatewayConfig gateway = ConfigLoader.loadGateway(GOOD.resolve("gateway-external-broker.yaml"));

        assertThat(gateway.mqtt().url()).isEqualTo("ssl://broker.example.org:8883");
        assertThat(gateway.mqtt().passwordFile()).isEqualTo("/etc/bwc/gw-password");
        assertThat(gateway.http().port()).isEqualTo(1883);
    }

    @Test
    void evidenceStaysInTheDataDirUnlessAnS3BucketIsConfigured() {
        GatewayConfig minimal = ConfigLoader.loadGateway(GOOD.resolve("minimal-gateway.yaml"));
        assertThat(minimal.evidence())
                .isEqualTo(new EvidenceStoreConfig(
                        EvidenceStoreKind.FILE,
                        null,
                        new EvidenceS3Config(null, "us-east-1", null, null, null, null, 0)));
        assertThat(minimal.evidenceDir()).isEqualTo(Path.of("gateway-data", "evidence"));

        GatewayConfig s3 = ConfigLoader.loadGateway(GOOD.resolve("gateway-s3-evidence.yaml"));
        assertThat(s3.evidence().store()).isEqualTo(EvidenceStoreKind.S3);
        assertThat(s3.evidence().s3())
                .isEqualTo(new EvidenceS3Config(
                        "https://minio.example.local:9000",
                        "us-east-1",
                        "bwc-evidence",
                        "agency-a",
                        "/etc/bwc/s3-access-key",
                        "/etc/bwc/s3-secret-key",
                        2555));
    }

    @Test
    void detectsTheKindOfFile() {
        assertThat(ConfigLoader.detect(GOOD.resolve("minimal-unit.yaml"))).isEqualTo(ConfigFile.Kind.UNIT);
        assertThat(ConfigLoader.detect(GOOD.resolve("minimal-gateway.yaml"))).isEqualTo(ConfigFile.Kind.GATEWAY);
    }
}
