package org.openbwc.launcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.openbwc.config.BrokerConfig;
import org.openbwc.config.EncryptionConfig;
import org.openbwc.config.EnrolmentConfig;
import org.openbwc.config.GatewayConfig;
import org.openbwc.config.GnssConfig;
import org.openbwc.config.GnssSource;
import org.openbwc.config.HalMode;
import org.openbwc.config.HttpConfig;
import org.openbwc.config.MapConfig;
import org.openbwc.config.MqttConfig;
import org.openbwc.config.OffloadConfig;
import org.openbwc.config.OffloadWhen;
import org.openbwc.config.TelemetryConfig;
import org.openbwc.config.UnitConfig;
import org.openbwc.config.VideoConfig;
import org.openbwc.device.DataFolder;
import org.openbwc.device.identity.UnitKeyFiles;
import org.openbwc.device.media.TransparentHugePages;
import org.openbwc.evidence.encryption.AgencyKeyFiles;
import org.openbwc.evidence.encryption.AgencyKeyPair;
import org.openbwc.evidence.encryption.AgencyPublicKey;
import org.openbwc.gateway.Gateway;
import org.openbwc.gateway.auth.Operator;
import org.openbwc.gateway.auth.OperatorDirectory;
import org.openbwc.gateway.auth.PasswordHasher;
import org.openbwc.gateway.auth.Role;
import org.openbwc.launcher.sim.SimulatedUnit;
import org.openbwc.launcher.sim.VirtualUnitsServer;
import org.openbwc.pki.Pem;
import org.tinylog.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bwc demo}: embedded broker, gateway and simulated units in one process, until Ctrl-C. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run the whole system on this machine: an embedded MQTT 5 broker, the gateway, and simulated",
            "body cameras on the mock hardware layer. Prints the monitoring-room and virtual-units URLs once",
            "everything is up; Ctrl-C stops it cleanly."
        })
public final class DemoCommand implements Callable<Integer> {
    static final String HOST = "127.0.0.1";
    static final int DEFAULT_MQTT_PORT = 8883;
    static final int DEFAULT_UNIT_PORT = 8444;
    /** Long enough for HiveMQ's first start on a slow machine; units connect within a second after that. */
    static final Duration UNITS_ONLINE_TIMEOUT = Duration.ofSeconds(60);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--units",
            defaultValue = "3",
            description = "Number of simulated units, 1..50 (default: ${DEFAULT-VALUE}).")
    int units;

    @Option(
            names = "--http-port",
            defaultValue = "8080",
            description = "Port of the monitoring room (gateway HTTP) (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(
            names = "--sim-port",
            defaultValue = "8081",
            description = "Port of the virtual-units page (default: ${DEFAULT-VALUE}).")
    int simPort;

    @Option(
            names = "--mqtt-port",
            description = "Port of the embedded MQTT 5 broker, TLS only (default: 8883; if 8883 is taken and this "
                    + "option is not given, a free port is used and reported).")
    Integer mqttPort;

    @Option(
            names = "--unit-port",
            description = "Port of the gateway's units' listener, TLS only: enrolment and live uplinks (default: 8444;"
                    + " if 8444 is taken and this option is not given, a free port is used and reported).")
    Integer unitPort;

    @Option(
            names = "--data-dir",
            defaultValue = "bwc-data",
            description = "Where everything the demo writes goes (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--keepalive-seconds",
            defaultValue = "5",
            description = "MQTT keepalive of the simulated units; the broker "
                    + "reports a unit whose battery was pulled offline after 1.5x this (default: ${DEFAULT-VALUE}).")
    int keepAliveSeconds;

    @Option(
            names = "--admin-password",
            paramLabel = "PASSWORD",
            description = "Password of the demo's 'admin' operator " + "(at least " + PasswordHasher.MIN_LENGTH
                    + " characters); without it a new random one is made and printed.")
    String adminPassword;

    @Option(
            names = "--tile-url",
            paramLabel = "URL",
            description =
                    "Map tiles for the monitoring room, e.g. "
                            + "https://tile.openstreetmap.org/{z}/{x}/{y}.png (the default); 'none' for a plain grid (offline networks).")
    String tileUrl;

    @Option(
            names = "--evidence-from",
            paramLabel = "GATEWAY-YAML",
            description = "Take the database, evidence, retention and encryption sections of this gateway.yaml (for"
                    + " example the agency's PostgreSQL, an S3 bucket and its agency key) instead of the embedded"
                    + " defaults and the demo's own agency key pair.")
    Path evidenceFrom;

    /** The top-level sections {@code --evidence-from} takes. */
    static final List<String> EVIDENCE_SECTIONS = List.of("database", "evidence", "retention", "encryption");

    static final String ADMIN = "admin";
    /** The operator the printed {@code bwc gateway user add} example adds. */
    static final String EXAMPLE_VIEWER = "vera";

    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Stops a running demo as Ctrl-C does (tests); null until it is up. */
    private volatile Runnable stopper;

    @Override
    public Integer call() throws Exception {
        if (units < 1 || units > 50)
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--units " + units + " is out of range (allowed: 1..50)");
        for (int p : new int[] {httpPort, simPort}) {
            if (p < 1 || p > 65535)
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "port " + p + " is out of range (allowed: 1..65535)");
        }
        if (httpPort == simPort)
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--http-port and --sim-port must differ (both " + httpPort + ")");
        PrintWriter out = spec.commandLine().getOut();
        // several encoders in one process: huge pages would cost each about 7 MiB (see TransparentHugePages)
        TransparentHugePages.disableForThisProcess();
        if (adminPassword != null) {
            try {
                PasswordHasher.check(adminPassword);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--admin-password: " + e.getMessage());
            }
        }
        MapConfig map = MapConfig.defaults();
        if (tileUrl != null) {
            try {
                map = map.withTileUrl(tileUrl.equals("none") ? "" : tileUrl);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--tile-url: " + e.getMessage());
            }
        }

        int brokerPort = choosePort(out, mqttPort, "--mqtt-port", DEFAULT_MQTT_PORT, "embedded MQTT broker");
        int unitsPort = choosePort(out, unitPort, "--unit-port", DEFAULT_UNIT_PORT, "units' listener");
        PortCheck.requireFree(HOST, httpPort, "monitoring room", "--http-port");
        PortCheck.requireFree(HOST, simPort, "virtual units page", "--sim-port");
        prepareDataDir();

        long t0 = System.nanoTime();
        String mqttUrl = "ssl://" + HOST + ":" + brokerPort;
        GatewayConfig gwConfig = GatewayConfig.defaults("gw-demo")
                .withBroker(BrokerConfig.defaults().withEmbedded(true).withPort(brokerPort))
                .withMqtt(MqttConfig.defaults().withUrl(mqttUrl))
                .withHttp(HttpConfig.defaults().withPort(httpPort).withUnitPort(unitsPort))
                .withDataDir(dataDir.resolve("gateway").toString())
                .withMap(map);
        String evidenceYaml = "";
        GatewayConfig from = evidenceFrom == null ? null : Configs.loadGateway(evidenceFrom);
        // The agency's key when --evidence-from names one, else the demo's own pair, made once in its data dir.
        if (from != null && from.encryption().publicKey() != null) {
            gwConfig = gwConfig.withEncryption(from.encryption());
        } else {
            gwConfig = gwConfig.withEncryption(demoEncryption(gwConfig.keysDir()));
            evidenceYaml = encryptionYaml(gwConfig.encryption());
        }
        if (from != null) {
            gwConfig = gwConfig.withDatabase(from.database())
                    .withEvidence(from.evidence())
                    .withRetention(from.retention());
            evidenceYaml += sections(
                    Files.readString(evidenceFrom),
                    from.encryption().publicKey() != null
                            ? EVIDENCE_SECTIONS
                            : EVIDENCE_SECTIONS.subList(0, EVIDENCE_SECTIONS.size() - 1));
            out.println("Evidence index and store from " + evidenceFrom + ": database "
                    + (from.database().url() == null
                            ? "embedded"
                            : from.database().url()) + ", store "
                    + from.evidence().store().name().toLowerCase(java.util.Locale.ROOT));
        }
        Path gwYaml = writeGatewayFile(gwConfig, evidenceYaml);
        String password = adminPassword != null ? adminPassword : randomPassword();
        OperatorDirectory.open(gwConfig.usersFile())
                .add(new Operator(ADMIN, Role.ADMIN, new PasswordHasher().hash(password), Instant.now()), true);
        List<SimulatedUnit> fleet = new ArrayList<>();
        // The demo owns its data dir, so it makes its agency CA on first start (GatewayPki logs that it did).
        Gateway gateway = Gateway.start(gwConfig, Gateway.CaPolicy.CREATE_IF_MISSING);
        VirtualUnitsServer sim = null;
        Thread hook = null;
        try {
            demoOfficers(gateway, units);
            for (int i = 1; i <= units; i++) {
                // The demo's units offload whenever the gateway is reachable (a real unit waits for its dock).
                UnitConfig unit = enrolment(gateway, unitConfig(i, mqttUrl))
                        .withOffload(OffloadConfig.defaults()
                                .withWhen(OffloadWhen.ANY_LINK)
                                .withUrl(gateway.unitsUrl()));
                SimulatedUnit u = new SimulatedUnit(unit, BwcVersion.version());
                fleet.add(u);
                u.powerOn();
            }
            sim = VirtualUnitsServer.start(fleet, HOST, simPort);
            VirtualUnitsServer simRef = sim;
            hook = new Thread(() -> shutdown(fleet, simRef, gateway), "bwc-demo-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            Thread hookRef = hook;
            stopper = () -> {
                try {
                    Runtime.getRuntime().removeShutdownHook(hookRef);
                } catch (IllegalStateException alreadyStopping) {
                    return; // the hook is running: it stops the demo
                }
                shutdown(fleet, simRef, gateway);
            };

            awaitOnline(gateway, fleet.size());
            Logger.info("demo up in {} ms: {} units online", (System.nanoTime() - t0) / 1_000_000, fleet.size());
            out.println("Monitoring room: http://" + HOST + ":" + gateway.httpPort() + "/   sign in as " + ADMIN
                    + (adminPassword != null ? " with --admin-password" : ", password " + password));
            out.println("Virtual units: http://" + HOST + ":" + sim.port() + "/");
            out.println("MQTT broker: " + mqttUrl + " (TLS, client certificates from the agency CA only)   units'"
                    + " listener: " + gateway.unitsUrl());
            out.println("Agency CA: " + gateway.pki().caFile().toAbsolutePath() + "   fingerprint "
                    + gateway.pki().ca().fingerprint());
            out.println(agencyKeyLine(gwConfig.encryption()));
            out.println(
                    "Gateway file: " + gwYaml + "   (e.g. ./bwc gateway unit list --config " + shellWord(gwYaml) + ")");
            out.println("Add an operator: " + userAddLine(gwYaml)
                    + "   (asks for the password; the running demo takes the account at its next sign-in, no restart)");
            out.println("Data: " + dataDir.toAbsolutePath() + "   (Ctrl-C stops)");
            out.flush();
            stopped.await();
            return 0;
        } catch (RuntimeException | InterruptedException e) {
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException alreadyStopping) {
                    throw e;
                }
            }
            shutdown(fleet, sim, gateway);
            throw e;
        }
    }

    /** Stops the demo as Ctrl-C would, if it is up; {@link #call} then returns. */
    void stop() {
        Runnable s = stopper;
        if (s != null) s.run();
    }

    /**
     * A {@code bwc gateway user add} line that works on the running demo as printed: the gateway re-reads its users
     * file when it changes (see {@code OperatorDirectory}), so the new account can sign in at once.
     */
    static String userAddLine(Path gatewayFile) {
        return "./bwc gateway user add " + EXAMPLE_VIEWER + " --role viewer --config " + shellWord(gatewayFile);
    }

    /** A path as one shell word: as is when it needs no quoting, else in single quotes. */
    static String shellWord(Path path) {
        String s = path.toString();
        if (s.matches("[A-Za-z0-9_./@%+=:,-]+")) return s;
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * Enrols a virtual unit the way a real one enrols: the gateway issues a one-time token (as {@code bwc gateway unit
     * add} does), the token goes into a file in the unit's data dir, and the unit's config names the units' listener
     * and the agency CA's fingerprint; at power-on the unit makes its own key pair and asks for its certificate over
     * HTTPS. A unit that already holds a certificate the gateway still admits (a restarted demo) keeps it; one the
     * gateway no longer knows loses its certificate and enrols again.
     */
    static UnitConfig enrolment(Gateway gateway, UnitConfig unit) {
        String id = unit.unitId();
        UnitKeyFiles keys = new UnitKeyFiles(new DataFolder(Path.of(unit.dataDir())).keys());
        // A unit whose agency key is not the gateway's (a demo of an older release, another --evidence-from) enrols
        // again, the way a real unit learns of a new key.
        if (keys.present() && gateway.units().admits(id) && hasAgencyKey(keys, gateway)) return unit;
        try {
            Files.deleteIfExists(keys.certificateFile());
        } catch (IOException e) {
            throw new UserFacingException("cannot remove the stale certificate " + keys.certificateFile(), 1, e);
        }
        String token = gateway.enrolment().add(id).token();
        Path tokenFile = Path.of(unit.dataDir()).resolve("enrolment.token");
        Pem.writeAtomically(tokenFile, token + "\n", true);
        return unit.withEnrolment(new EnrolmentConfig(
                gateway.unitsUrl(), tokenFile.toString(), gateway.pki().ca().fingerprint()));
    }

    private static boolean hasAgencyKey(UnitKeyFiles keys, Gateway gateway) {
        var expected = gateway.enrolment().agencyKey();
        if (expected.isEmpty()) return true;
        try {
            return AgencyKeyFiles.readPublicKey(keys.agencyKeyFile()).equals(expected.get());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The demo's own agency key pair in {@code keysDir} (the gateway's {@code <dataDir>/keys}): made on the first
     * start, then reused, so recordings from an earlier run stay readable. Both halves go into the gateway's
     * {@code encryption:} section, so the demo's gateway can also decrypt.
     */
    static EncryptionConfig demoEncryption(Path keysDir) {
        Path key = keysDir.resolve(AgencyKeyFiles.PRIVATE_KEY);
        Path pub = keysDir.resolve(AgencyKeyFiles.PUBLIC_KEY);
        try {
            if (Files.exists(key)) {
                AgencyKeyPair pair = AgencyKeyFiles.readKeyPair(key);
                if (!pair.publicKey().equals(readPublicKeyOrNull(pub))) {
                    AgencyKeyFiles.writePublicKey(pub, pair.publicKey());
                }
            } else {
                // An agency.pub without its private half can decrypt nothing: the demo owns the folder, so it goes.
                Files.deleteIfExists(pub);
                AgencyKeyFiles.writeNew(keysDir, AgencyKeyPair.generate());
                Logger.info("demo: new agency key pair in {}", keysDir.toAbsolutePath());
            }
        } catch (IllegalArgumentException | IllegalStateException | IOException | java.io.UncheckedIOException e) {
            throw new UserFacingException(
                    "cannot make or read the demo's agency key pair in " + keysDir + ": " + e.getMessage()
                            + " (remove agency.key and agency.pub there to start with a new pair; recordings"
                            + " encrypted to the old one then stay unreadable)",
                    1,
                    e);
        }
        return new EncryptionConfig(
                pub.toAbsolutePath().toString(), key.toAbsolutePath().toString());
    }

    private static AgencyPublicKey readPublicKeyOrNull(Path pub) {
        try {
            return AgencyKeyFiles.readPublicKey(pub);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The start-up line naming the agency key the units' recordings are encrypted to, and where its halves are. */
    static String agencyKeyLine(EncryptionConfig encryption) {
        Path pub = encryption.publicKeyFile().toAbsolutePath();
        String keyId = AgencyKeyFiles.readPublicKey(pub).keyId();
        List<String> keys = encryption.privateKeyFiles().stream()
                .map(k -> k.toAbsolutePath().toString())
                .toList();
        return "Agency key " + keyId + ": the units' recordings are encrypted to it   public " + pub
                + (keys.isEmpty()
                        ? "; no private key here, so this gateway cannot decrypt them"
                        : ", private " + String.join(", ", keys));
    }

    /** The demo's encryption section for its gateway.yaml, so `bwc gateway ... --config` sees the same keys. */
    static String encryptionYaml(EncryptionConfig encryption) {
        return String.join(
                "\n",
                "encryption:",
                "  publicKey: " + quoted(encryption.publicKey()),
                "  privateKeys: " + quoted(encryption.privateKeys()),
                "");
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The named top-level sections of a YAML file, as written there (each key line and its indented lines). */
    static String sections(String yaml, List<String> names) {
        StringBuilder out = new StringBuilder();
        boolean in = false;
        for (String line : yaml.split("\n", -1)) {
            boolean topLevel = !line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("#");
            if (topLevel) in = names.stream().anyMatch(n -> line.startsWith(n + ":"));
            if (in) out.append(line).append('\n');
        }
        return out.toString();
    }

    /**
     * The demo's gateway settings as a file, so the gateway's own commands work on the running demo as on any gateway
     * ({@code bwc gateway unit revoke bwc-002 --config bwc-data/gateway/gateway.yaml}). Rewritten at each start.
     */
    private Path writeGatewayFile(GatewayConfig gw, String evidenceYaml) {
        Path file = Path.of(gw.dataDir()).resolve("gateway.yaml");
        String yaml = String.join(
                "\n",
                "# Written by `bwc demo` at each start: the demo's gateway, for `bwc gateway ... --config` on it.",
                "gatewayId: " + gw.gatewayId(),
                "mqtt:",
                "  url: " + gw.mqtt().url(),
                "broker:",
                "  embedded: true",
                "  host: " + gw.broker().host(),
                "  port: " + gw.broker().port(),
                "http:",
                "  host: " + gw.http().host(),
                "  port: " + gw.http().port(),
                "  unitPort: " + gw.http().unitPort(),
                "dataDir: \"" + Path.of(gw.dataDir()).toAbsolutePath() + "\"",
                evidenceYaml);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UserFacingException("cannot write " + file + ": " + e.getMessage(), 1, e);
        }
        return file;
    }

    /** 16 characters from an alphabet without look-alikes (no 0/O, 1/l/I), in groups of four for reading aloud. */
    static String randomPassword() {
        String alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            if (i > 0 && i % 4 == 0) b.append('-');
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /** The port asked for, else the default when free, else a free port (said on the console). */
    private int choosePort(PrintWriter out, Integer asked, String option, int preferred, String what) {
        if (asked != null) {
            if (asked < 1 || asked > 65535)
                throw new CommandLine.ParameterException(
                        spec.commandLine(), option + " " + asked + " is out of range (allowed: 1..65535)");
            PortCheck.requireFree(HOST, asked, what, option);
            return asked;
        }
        if (PortCheck.isFree(HOST, preferred)) return preferred;
        // The ports are internal to the demo, so a service already there should not stop it; say what we did.
        int port = PortCheck.freePort(HOST);
        out.println("Port " + preferred + " is in use; the " + what + " uses port " + port
                + " instead (choose one with " + option + " PORT)");
        return port;
    }

    private void prepareDataDir() {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UserFacingException("cannot create --data-dir " + dataDir + ": " + e.getMessage(), 1, e);
        }
        if (!Files.isWritable(dataDir)) throw new UserFacingException("--data-dir " + dataDir + " is not writable", 1);
    }

    private static final String[] DEMO_NAMES = {
        "Kari Nordmann", "Ola Hansen", "Ingrid Berg", "Lars Johansen", "Sofie Larsen", "Emil Olsen"
    };

    /**
     * The officers of the demo's units (their configs' officer ids) in the officer directory, so the room shows their
     * callsigns and names; kept from an earlier run in the same data directory.
     */
    private static void demoOfficers(Gateway gateway, int units) {
        for (int n = 1; n <= units; n++) {
            String id = String.valueOf(4700 + n * 11);
            if (gateway.officers().find(id).isPresent()) continue;
            gateway.officers()
                    .add(new org.openbwc.store.Officer(id, DEMO_NAMES[(n - 1) % DEMO_NAMES.length], "PATROL " + n));
        }
    }

    private UnitConfig unitConfig(int n, String mqttUrl) {
        String id = String.format("bwc-%03d", n);
        UnitConfig base = UnitConfig.defaults(id);
        return base.withHal(HalMode.MOCK)
                .withOfficerId(String.valueOf(4700 + n * 11))
                .withDataDir(dataDir.resolve("units").resolve(id).toString())
                .withMqtt(new MqttConfig(mqttUrl, null, null, null, keepAliveSeconds, 5, 5).withClientId(id))
                .withTelemetry(
                        TelemetryConfig.defaults().withStatusIntervalSeconds(15).withLocationIntervalSeconds(5))
                .withGnss(new GnssConfig(
                        GnssSource.GPX, base.gnss().gpsdHost(), base.gnss().gpsdPort(), "bundled:" + n))
                // 640x360 at 15 fps keeps three encoders within a laptop's budget; a real unit records 720p30.
                .withVideo(VideoConfig.defaults().withSize(640, 360, 15).withBitrateKbps(800))
                .withMock(base.mock()
                        .withBatteryStartPercent(Math.max(20, 100 - (n - 1) * 17))
                        .withBatteryDrainPercentPerHour(30));
    }

    private static void awaitOnline(Gateway gateway, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + UNITS_ONLINE_TIMEOUT.toNanos();
        while (gateway.registry().onlineCount() < expected) {
            if (System.nanoTime() > deadline) {
                throw new UserFacingException(
                        "only " + gateway.registry().onlineCount() + " of " + expected + " units came online within "
                                + UNITS_ONLINE_TIMEOUT.toSeconds() + " s; see the log above",
                        1);
            }
            Thread.sleep(50);
        }
    }

    private void shutdown(List<SimulatedUnit> fleet, VirtualUnitsServer sim, Gateway gateway) {
        Logger.info("demo stopping");
        for (SimulatedUnit u : fleet) {
            try {
                u.shutdown();
            } catch (RuntimeException e) {
                Logger.warn(e, "[{}] clean shutdown failed", u.id());
            }
        }
        if (sim != null) sim.close();
        try {
            gateway.close();
        } catch (RuntimeException e) {
            Logger.warn(e, "gateway shutdown failed");
        }
        Logger.info("demo stopped");
        stopped.countDown();
    }
}
