package org.openbwc.launcher;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.openbwc.config.BrokerConfig;
import org.openbwc.config.GatewayConfig;
import org.openbwc.config.GnssConfig;
import org.openbwc.config.GnssSource;
import org.openbwc.config.HalMode;
import org.openbwc.config.HttpConfig;
import org.openbwc.config.MapConfig;
import org.openbwc.config.MqttConfig;
import org.openbwc.config.UnitConfig;
import org.openbwc.config.VideoConfig;
import org.openbwc.gateway.Gateway;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.launcher.sim.SimulatedUnit;
import org.openbwc.pki.AgencyCa;
import org.openbwc.pki.TlsContexts;

/**
 * A demo-like fleet for tests: a gateway with its embedded broker on fixed free ports (so it can be restarted on
 * them), the test operators, no map tiles, and mock units with small pictures that replay the bundled GPX tracks.
 */
final class TestFleet implements AutoCloseable {

    /** One unit to start: its id and picture. */
    record Unit(String id, int width, int height, int fps, int kbps) {
        static Unit small(String id) {
            return new Unit(id, 320, 240, 10, 300);
        }
    }

    final Path dir;
    final GatewayConfig config;
    final String mqttUrl;
    final List<SimulatedUnit> units = new ArrayList<>();
    final List<String> ids = new ArrayList<>();
    Gateway gateway;

    private TestFleet(String name, UnaryOperator<GatewayConfig> tweak) {
        try {
            dir = TempDirs.create("bwc-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int brokerPort = PortCheck.freePort("127.0.0.1");
        mqttUrl = "ssl://127.0.0.1:" + brokerPort;
        config = tweak.apply(GatewayConfig.defaults("gw-" + name)
                .withBroker(BrokerConfig.defaults().withEmbedded(true).withPort(brokerPort))
                .withMqtt(MqttConfig.defaults().withUrl(mqttUrl))
                .withHttp(HttpConfig.defaults()
                        .withPort(PortCheck.freePort("127.0.0.1"))
                        // The units' listener on a free port too: 8444 may be taken by another run.
                        .withUnitPort(PortCheck.freePort("127.0.0.1")))
                .withDataDir(dir.resolve("gateway").toString())
                // No internet here: the map must be usable on its plain background.
                .withMap(MapConfig.defaults().withTileUrl("")));
        TestOperators.write(config.usersFile());
    }

    /** Starts the gateway, then the units, and waits until every unit is online. */
    static TestFleet start(String name, UnaryOperator<GatewayConfig> tweak, List<Unit> units) {
        return start(name, tweak, units, UnaryOperator.identity());
    }

    /** As {@link #start(String, UnaryOperator, List)}, with {@code unitTweak} applied to each unit's config. */
    static TestFleet start(
            String name, UnaryOperator<GatewayConfig> tweak, List<Unit> units, UnaryOperator<UnitConfig> unitTweak) {
        return start(name, tweak, units, (gateway, c) -> unitTweak.apply(c));
    }

    /**
     * As {@link #start(String, UnaryOperator, List, UnaryOperator)}, with a unit tweak that knows the started gateway
     * (e.g. its units' listener as the offload URL).
     */
    static TestFleet start(
            String name,
            UnaryOperator<GatewayConfig> tweak,
            List<Unit> units,
            BiFunction<Gateway, UnitConfig, UnitConfig> unitTweak) {
        TestFleet f = new TestFleet(name, tweak);
        try {
            f.gateway = Gateway.start(f.config, Gateway.CaPolicy.CREATE_IF_MISSING);
            int n = 0;
            for (Unit u : units) {
                n++;
                Path unitDir = f.dir.resolve("units").resolve(u.id());
                UnitConfig c = UnitConfig.defaults(u.id())
                        .withHal(HalMode.MOCK)
                        .withOfficerId("47" + n)
                        .withDataDir(unitDir.toString())
                        .withMqtt(new MqttConfig(f.mqttUrl, u.id(), null, null, 2, 5, 2))
                        .withVideo(VideoConfig.defaults()
                                .withSize(u.width(), u.height(), u.fps())
                                .withBitrateKbps(u.kbps()))
                        .withGnss(new GnssConfig(GnssSource.GPX, "127.0.0.1", 2947, "bundled:" + ((n - 1) % 3 + 1)));
                // Enrolled as the demo enrols its units: a token, then the unit's own keys and an HTTPS request.
                SimulatedUnit unit =
                        new SimulatedUnit(DemoCommand.enrolment(f.gateway, unitTweak.apply(f.gateway, c)), "test");
                f.units.add(unit);
                f.ids.add(u.id());
                unit.powerOn();
            }
            try (FleetClient client = f.client(TestOperators.VIEWER)) {
                await("all units online")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> client.onlineCount(f.ids) == f.ids.size());
            }
            return f;
        } catch (RuntimeException | Error e) {
            f.close();
            throw e;
        }
    }

    String base() {
        return gateway.httpUrl();
    }

    /** A client of this gateway signed in as {@code user} (the simulator's API is not needed here). */
    FleetClient client(String user) {
        return new FleetClient(base(), "http://unused", user, tls());
    }

    /** Trusts the gateway's agency CA (HTTPS), or null for plain HTTP. */
    SSLContext tls() {
        return config.http().https() ? TlsContexts.trusting(config.pkiDir().resolve(AgencyCa.CERTIFICATE_FILE)) : null;
    }

    /**
     * Stops the units here, and the gateway and the folder in the background ({@link BackgroundClose}). A test that
     * restarts the gateway on the same ports or folder closes it itself.
     */
    @Override
    public void close() {
        for (SimulatedUnit u : units) u.shutdown();
        BackgroundClose.gatewayAndFolder(gateway, dir);
        gateway = null;
    }
}
