package org.openbwc.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.openbwc.config.GatewayConfig;
import org.openbwc.config.HttpConfig;
import org.openbwc.config.MqttConfig;
import org.openbwc.gateway.alerts.AlertBoard;
import org.openbwc.gateway.alerts.AlertFile;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.auth.Authenticator;
import org.openbwc.gateway.auth.OperatorDirectory;
import org.openbwc.gateway.auth.PasswordHasher;
import org.openbwc.gateway.auth.SessionTokens;
import org.openbwc.gateway.broker.BrokerAccess;
import org.openbwc.gateway.broker.EmbeddedBroker;
import org.openbwc.gateway.broker.RefusedClients;
import org.openbwc.gateway.broker.ServerTls;
import org.openbwc.gateway.dispatch.CandidateRanking;
import org.openbwc.gateway.dispatch.DispatchService;
import org.openbwc.gateway.dispatch.TrailSpeed;
import org.openbwc.gateway.evidence.AgencyKeys;
import org.openbwc.gateway.evidence.EvidenceIndex;
import org.openbwc.gateway.evidence.ReportedRecordings;
import org.openbwc.gateway.evidence.RetentionPolicy;
import org.openbwc.gateway.evidence.RetentionSweep;
import org.openbwc.gateway.fleet.Admission;
import org.openbwc.gateway.fleet.CommandClient;
import org.openbwc.gateway.fleet.DroppedMessages;
import org.openbwc.gateway.fleet.EventReceipts;
import org.openbwc.gateway.fleet.FleetConnection;
import org.openbwc.gateway.fleet.FleetIngest;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.LocationTrails;
import org.openbwc.gateway.fleet.RecordingIndex;
import org.openbwc.gateway.identity.EnrolmentService;
import org.openbwc.gateway.identity.EvidenceKeyWatch;
import org.openbwc.gateway.identity.GatewayPki;
import org.openbwc.gateway.identity.UnitDirectory;
import org.openbwc.gateway.live.LiveService;
import org.openbwc.gateway.live.TalkCalls;
import org.openbwc.gateway.officers.OfficerDirectory;
import org.openbwc.gateway.offload.OffloadReceiver;
import org.openbwc.gateway.web.AdminRoutes;
import org.openbwc.gateway.web.AlertRoutes;
import org.openbwc.gateway.web.CommandRoutes;
import org.openbwc.gateway.web.DispatchRoutes;
import org.openbwc.gateway.web.EnrolmentRoutes;
import org.openbwc.gateway.web.EventStream;
import org.openbwc.gateway.web.EvidenceRoutes;
import org.openbwc.gateway.web.FleetRoutes;
import org.openbwc.gateway.web.GatewayMetrics;
import org.openbwc.gateway.web.HealthRoutes;
import org.openbwc.gateway.web.HttpJson;
import org.openbwc.gateway.web.LiveRoutes;
import org.openbwc.gateway.web.LiveSockets;
import org.openbwc.gateway.web.OfficerRoutes;
import org.openbwc.gateway.web.OffloadRoutes;
import org.openbwc.gateway.web.Routes;
import org.openbwc.gateway.web.TalkRoutes;
import org.openbwc.gateway.web.WebAccess;
import org.openbwc.gateway.web.WebPages;
import org.openbwc.gateway.web.WebServer;
import org.openbwc.pki.TlsContexts;
import org.openbwc.protocol.WireCodec;
import org.openbwc.store.EvidenceDatabase;
import org.openbwc.store.RecordingCatalog;
import org.openbwc.store.objects.EvidenceObjects;
import org.tinylog.Logger;

/**
 * A running gateway, and where it is put together: {@link #start} builds every room and wires it by hand, in the
 * direction the data flows: the agency PKI's certificates ({@code identity/}), the optional embedded broker
 * ({@code broker/}), the audit log and operator accounts
 * ({@code audit/}, {@code auth/}), the fleet ({@code fleet/}: registry, connection, ingest, command client), the alerts
 * ({@code alerts/}), live video ({@code live/}), and the monitoring room's web server ({@code web/}).
 */
public final class Gateway implements AutoCloseable {

    /** What {@link #start} does when the data directory holds no agency CA. */
    public enum CaPolicy {
        /** Refuse to start and say how to make one ({@code bwc pki init}): a real gateway. */
        REQUIRE,
        /** Make one and say so: the demo and tests, which own their data directory. */
        CREATE_IF_MISSING
    }

    /** For {@link #start(GatewayConfig, int, Duration)}: take the HTTP port from {@code http.port}. */
    static final int FROM_CONFIG = -1;
    /** Recordings listed per unit on its page. */
    static final int RECORDINGS_PER_UNIT = 50;

    private final GatewayConfig config;
    private final EmbeddedBroker broker;
    private final GatewayPki pki;
    private final FleetRegistry registry;
    private final FleetConnection connection;
    private final CommandClient commands;
    private final WebServer http;
    private final String httpHost;
    private final AuditLog audit;
    private final LiveService live;
    private final UnitDirectory units;
    private final EnrolmentService enrolment;
    private final EvidenceDatabase evidence;
    private final ReportedRecordings reported;
    private final EvidenceObjects objects;
    private final RetentionPolicy retention;
    private final AutoCloseable retentionSweeps;
    private final AgencyKeys agencyKeys;
    private OfficerDirectory officers;
    private TalkCalls talk;
    private final DispatchService dispatches;

    private Gateway(
            GatewayConfig config,
            EmbeddedBroker broker,
            GatewayPki pki,
            FleetRegistry registry,
            FleetConnection connection,
            CommandClient commands,
            WebServer http,
            AuditLog audit,
            LiveService live,
            UnitDirectory units,
            EnrolmentService enrolment,
            EvidenceDatabase evidence,
            ReportedRecordings reported,
            EvidenceObjects objects,
            RetentionPolicy retention,
            AutoCloseable retentionSweeps,
            AgencyKeys agencyKeys,
            DispatchService dispatches) {
        this.config = config;
        this.broker = broker;
        this.pki = pki;
        this.registry = registry;
        this.connection = connection;
        this.commands = commands;
        this.http = http;
        this.httpHost = config.http().host();
        this.audit = audit;
        this.live = live;
        this.units = units;
        this.enrolment = enrolment;
        this.evidence = evidence;
        this.reported = reported;
        this.objects = objects;
        this.retention = retention;
        this.retentionSweeps = retentionSweeps;
        this.agencyKeys = agencyKeys;
        this.dispatches = dispatches;
    }

    /** The uplink base units get in live.start: the units' listener on the port actually bound (tests bind 0). */
    /**
     * The units' listener as a unit reaches it, for the enrolment config shown with a new token (as {@code bwc
     * gateway unit add} prints it): the first server host name of the gateway's certificate, else the HTTP host.
     */
    private static String enrolmentUrl(GatewayConfig config, int boundUnitPort) {
        List<String> hosts = config.pki().serverHostList();
        String host = hosts.isEmpty() ? config.http().host() : hosts.get(0);
        if (host.contains(":") && !host.startsWith("[")) host = "[" + host + "]";
        return "https://" + host + ":" + boundUnitPort;
    }

    private static String liveBase(GatewayConfig config, int boundUnitPort) {
        return config.live().uplinkUrl() != null
                ? config.uplinkBaseUrl()
                : config.withHttp(config.http().withUnitPort(boundUnitPort)).uplinkBaseUrl();
    }

    /**
     * The web server's two listeners: the operators' port serves HTTPS with {@code http.certificateFile} or, when
     * none is set, the server certificate issued from the agency CA (plain HTTP only where the config allows it, on
     * loopback); the units' listener always presents the agency's server certificate, which units pin through the CA.
     */
    private static WebServer.Listeners listeners(GatewayConfig config, GatewayPki pki, int port, int unitPort) {
        HttpConfig http = config.http();
        SSLContext web = null;
        if (http.https()) {
            web = http.certificateFile() == null
                    ? pki.serverContext()
                    : TlsContexts.mutual(Path.of(http.keyFile()), Path.of(http.certificateFile()), pki.caFile());
        }
        return new WebServer.Listeners(http.host(), port, web, unitPort, pki.serverContext());
    }

    private static Authenticator authenticator(GatewayConfig config, Clock clock) {
        Path usersFile = config.usersFile();
        OperatorDirectory directory;
        try {
            directory = OperatorDirectory.open(usersFile);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the operator accounts: " + e.getMessage(), e);
        }
        if (directory.all().isEmpty()) {
            Logger.warn(
                    "No operator accounts in {}: nobody can sign in to the monitoring room. Add one with"
                            + " `bwc gateway user add NAME --role admin --config <gateway.yaml>`",
                    usersFile.toAbsolutePath());
        }
        return new Authenticator(
                directory,
                new PasswordHasher(),
                SessionTokens.open(Path.of(config.dataDir()), clock),
                Duration.ofMinutes(config.auth().sessionMinutes()),
                config.auth().maxFailedLogins(),
                clock);
    }

    /**
     * Starts everything the configuration asks for. The gateway comes up even when an external broker cannot be
     * reached (it keeps retrying and reports itself degraded in {@code /api/health}); a failing embedded broker or a
     * taken HTTP port is fatal.
     *
     * <p>The agency CA must already be in {@code <dataDir>/pki} ({@code bwc pki init}); see {@link CaPolicy}.
     *
     * @throws IllegalStateException with a message naming what could not start and why
     */
    public static Gateway start(GatewayConfig config) {
        return start(config, CaPolicy.REQUIRE);
    }

    /** As {@link #start(GatewayConfig)}, making the agency CA when there is none if {@code ca} says so. */
    public static Gateway start(GatewayConfig config, CaPolicy ca) {
        return start(config, FROM_CONFIG, FleetConnection.DEFAULT_SESSION_EXPIRY, ca);
    }

    /**
     * For tests: makes the agency CA if there is none, and binds the units' listener to any free port when
     * {@code httpPort} is 0.
     */
    static Gateway start(GatewayConfig config, int httpPort, Duration sessionExpiry) {
        return start(config, httpPort, sessionExpiry, CaPolicy.CREATE_IF_MISSING);
    }

    /**
     * @param httpPort the HTTP port, {@link #FROM_CONFIG} for {@code http.port}, or 0 for any free port (the config
     *                 does not allow 0, tests need it)
     * @param sessionExpiry how long the broker keeps the gateway's MQTT session after a disconnect
     */
    static Gateway start(GatewayConfig config, int httpPort, Duration sessionExpiry, CaPolicy ca) {
        Objects.requireNonNull(config, "config is required");
        Objects.requireNonNull(ca, "ca is required");
        long started = System.nanoTime();
        String id = config.gatewayId();
        EmbeddedBroker broker = null;
        AuditLog audit = null;
        FleetConnection connection = null;
        CommandClient commands = null;
        LiveService live = null;
        UnitDirectory units = null;
        EvidenceDatabase evidence = null;
        ReportedRecordings reported = null;
        EvidenceObjects objects = null;
        AutoCloseable retentionSweeps = null;
        OfficerDirectory officerDirectory = null;
        DispatchService dispatches = null;
        try {
            Clock clock = Clock.systemUTC();
            Path dataDir = Path.of(config.dataDir());
            // identity/: the agency CA and the certificates the gateway presents (issued or renewed here), and the
            // agency's units (a file shared with `bwc gateway unit`), which the broker asks before it admits a unit.
            GatewayPki pki = GatewayPki.open(config, clock, ca == CaPolicy.CREATE_IF_MISSING);
            // evidence/: the agency keys, read again (the config checked them at load) since the files may have
            // changed.
            AgencyKeys agencyKeys = AgencyKeys.load(config.encryption());
            try {
                units = UnitDirectory.open(dataDir, clock).watch();
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("cannot read the unit directory: " + e.getMessage(), e);
            }
            // evidence/: the evidence index, in the embedded database or the agency's PostgreSQL.
            evidence = EvidenceDatabase.open(EvidenceIndex.databaseOf(config));
            reported = new ReportedRecordings(evidence.catalog(), clock);
            objects = EvidenceIndex.objectsOf(config);
            OffloadReceiver offload = EvidenceIndex.receiver(config, objects, evidence.catalog(), units, clock);
            // Retention: the categories operators may give, and the daily sweep deleting what has run out.
            RetentionPolicy retention = RetentionPolicy.of(config.retention());
            retentionSweeps = new RetentionSweep(retention, evidence.catalog(), objects, clock).scheduleDaily();

            // fleet/ and alerts/: the registry first, as the alert board holds a standing SOS there across restarts.
            ObjectMapper json = HttpJson.mapper();
            FleetRegistry registry = new FleetRegistry();
            AlertBoard alerts = new AlertBoard(
                    clock,
                    registry,
                    config.alerts().banner(),
                    new AlertFile(dataDir.resolve("alerts.jsonl"), json, AlertBoard.MAX_ALERTS));
            UnitDirectory directory = units;

            // broker/: the embedded broker, when configured, is the one the fleet connection follows.
            MqttConfig mqtt = config.mqtt();
            if (config.broker().embedded()) {
                broker = EmbeddedBroker.start(
                        config.broker().host(),
                        config.broker().port(),
                        Path.of(config.dataDir()).resolve("broker"),
                        ServerTls.of(pki),
                        // Only this gateway; a unit with a valid certificate only while it is enrolled and not revoked.
                        BrokerAccess.of(
                                Set.of(id),
                                unitId -> {
                                    Admission.Verdict verdict = directory.verdict(unitId);
                                    if (verdict == Admission.Verdict.ADMITTED) return true;
                                    alerts.unitConnectionRefused(unitId, verdict == Admission.Verdict.REVOKED);
                                    return false;
                                },
                                RefusedClients.NONE));
                mqtt = mqtt.withUrl(broker.url());
                EmbeddedBroker embedded = broker;
                // Revocation takes the unit off the broker at once; the directory refuses its reconnection.
                units.listen(embedded::disconnect);
            }
            WireCodec codec = new WireCodec(config.maxPayloadBytes());
            Duration commandTimeout = Duration.ofMillis(config.commandTimeoutMillis());
            // audit/ and auth/
            audit = AuditLog.open(dataDir.resolve("audit.log"), config.keysDir(), json, clock);
            Authenticator auth = authenticator(config, clock);

            // identity/: enrolment of new units, signed by the agency CA.
            EnrolmentService enrolment = EnrolmentService.of(
                    config, units, pki.ca(), clock, agencyKeys.current().orElse(null));
            enrolment.writeRevocationList();
            Admission admission = units;

            // fleet/: what follows the registry, then the connection that feeds it.
            LocationTrails trails = new LocationTrails(FleetRoutes.MAX_TRAIL_POINTS);
            RecordingIndex recordings = new RecordingIndex(RECORDINGS_PER_UNIT);
            registry.listen(alerts);
            registry.listen(trails);
            registry.listen(recordings);
            registry.listen(reported);
            registry.listen(new EvidenceKeyWatch(units, alerts::evidenceKeyDiffers));
            units.listen(registry::markRevoked);
            DroppedMessages drops = new DroppedMessages();
            connection = new FleetConnection(id, mqtt, tlsFor(mqtt, pki), sessionExpiry, drops, clock);
            commands = new CommandClient(connection, codec, config.maxPayloadBytes(), drops, clock);
            EventReceipts receipts = connection.eventReceipts(codec);
            connection.start(
                    new FleetIngest(
                            registry,
                            codec,
                            config.maxPayloadBytes(),
                            drops,
                            admission,
                            (unit, verdict) -> alerts.unitRefused(unit, verdict == Admission.Verdict.REVOKED),
                            receipts),
                    commands);

            // live/
            live = new LiveService(id, registry, commands, alerts, config.live(), commandTimeout, clock);
            registry.listen(live);
            alerts.listen(live);
            TalkCalls talk = new TalkCalls(id, commands, audit, commandTimeout, clock);
            registry.listen(talk);

            // officers/: the directory and the units' assignments, sent to units as officer.assign and kept in step.
            OfficerDirectory officers = new OfficerDirectory(
                            evidence.officers(),
                            registry,
                            commands::send,
                            audit,
                            id,
                            config.officers().unassignOnDock(),
                            commandTimeout,
                            clock)
                    .follow();
            officerDirectory = officers;
            // dispatch/: incidents, the units sent to them and their progress, kept in the evidence database.
            dispatches = new DispatchService(
                    id,
                    registry,
                    new CandidateRanking(config.dispatch().defaultSpeedMps(), new TrailSpeed(trails)),
                    commands::send,
                    evidence.dispatches(),
                    audit,
                    clock,
                    commandTimeout);
            registry.listen(dispatches);

            // web/: each route group gets what it serves.
            AtomicInteger boundUnitPort = new AtomicInteger(config.http().unitPort());
            EventStream events = new EventStream(
                    registry, alerts, json, EventStream.DEFAULT_HEARTBEAT, EventStream.DEFAULT_EVENT_BACKLOG);
            dispatches.listen(d -> events.dispatchChanged(d, d.id()));
            GatewayMetrics metrics = new GatewayMetrics(id, registry, connection, drops, alerts, events::clients, live);
            metrics.eventReceipts(receipts);
            metrics.talk(talk);
            WebAccess access = new WebAccess(auth, audit, metrics, json);
            Routes routes = new Routes(
                    access,
                    new WebPages(config.map(), config.live()),
                    events,
                    new HealthRoutes(id, registry, connection, drops, commands, events, metrics, json),
                    new FleetRoutes(id, registry, trails, recordings, config.map(), json),
                    new CommandRoutes(id, registry, commands, audit, metrics, commandTimeout, json),
                    new AlertRoutes(alerts, audit, json),
                    new AdminRoutes(audit, auth, json),
                    new LiveRoutes(id, registry, live, audit, commandTimeout, json),
                    new LiveSockets(live, access, audit, talk),
                    new EnrolmentRoutes(enrolment, audit, json, () -> enrolmentUrl(config, boundUnitPort.get())),
                    new OffloadRoutes(offload, admission, audit, json),
                    new EvidenceRoutes(
                            evidence.catalog(), objects, audit, json, clock, retention::isCategory, agencyKeys),
                    new TalkRoutes(id, registry, talk, json));
            routes.officers(new OfficerRoutes(officers, registry, id, audit, json))
                    .withDispatches(new DispatchRoutes(dispatches, json));
            int port = httpPort == FROM_CONFIG ? config.http().port() : httpPort;
            int unitPort = httpPort == FROM_CONFIG ? config.http().unitPort() : 0;
            WebServer http = WebServer.start(listeners(config, pki, port, unitPort), json, routes);
            boundUnitPort.set(http.unitPort());
            live.uplinkBase(liveBase(config, http.unitPort()));

            Gateway gateway = new Gateway(
                    config,
                    broker,
                    pki,
                    registry,
                    connection,
                    commands,
                    http,
                    audit,
                    live,
                    units,
                    enrolment,
                    evidence,
                    reported,
                    objects,
                    retention,
                    retentionSweeps,
                    agencyKeys,
                    dispatches);
            gateway.officers = officers;
            gateway.talk = talk;
            Logger.info(
                    "Gateway {} started in {} ms: web console {}, units' listener {}, MQTT {} ({}), {} units known",
                    id,
                    (System.nanoTime() - started) / 1_000_000,
                    gateway.httpUrl(),
                    gateway.unitsUrl(),
                    mqtt.url(),
                    connection.connected() ? "connected" : "not connected yet, retrying",
                    registry.size());
            return gateway;
        } catch (RuntimeException | Error e) {
            if (retentionSweeps != null) stopSweeps(retentionSweeps);
            if (officerDirectory != null) officerDirectory.close();
            if (dispatches != null) dispatches.close();
            if (connection != null) connection.close();
            if (commands != null) commands.close();
            if (reported != null) reported.close();
            if (evidence != null) evidence.close();
            if (objects != null) EvidenceIndex.closeQuietly(objects);
            if (audit != null) audit.close();
            if (live != null) live.close();
            if (units != null) units.close();
            if (broker != null) broker.close();
            throw e;
        }
    }

    /**
     * The gateway's certificate for an {@code ssl://} broker. Read once: the files are the gateway's own, (re)issued
     * by {@link GatewayPki#open} just before.
     */
    private static SSLContext tlsFor(MqttConfig mqtt, GatewayPki pki) {
        return mqtt.url().startsWith("ssl://") || mqtt.url().startsWith("wss://") ? pki.gatewayClientContext() : null;
    }

    public String gatewayId() {
        return config.gatewayId();
    }

    /** The agency PKI in the data directory. */
    public GatewayPki pki() {
        return pki;
    }

    /** The embedded broker, when the configuration asks for one. */
    public Optional<EmbeddedBroker> embeddedBroker() {
        return Optional.ofNullable(broker);
    }

    /** The HTTP port actually bound. */
    public int httpPort() {
        return http.port();
    }

    /** The units' listener's port actually bound. */
    public int unitPort() {
        return http.unitPort();
    }

    /** Base URL of the web console and API, e.g. {@code https://127.0.0.1:8080} ({@code http://} on loopback). */
    public String httpUrl() {
        return (http.https() ? "https://" : "http://") + urlHost() + ":" + httpPort();
    }

    /** Base URL of the units' listener (enrolment, live uplink), e.g. {@code https://127.0.0.1:8444}. */
    public String unitsUrl() {
        return "https://" + urlHost() + ":" + unitPort();
    }

    private String urlHost() {
        String host = httpHost.equals("0.0.0.0") || httpHost.equals("::") ? "127.0.0.1" : httpHost;
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** The broker the gateway follows: the embedded one when configured, else {@code mqtt.url}. */
    public String mqttUrl() {
        return connection.url();
    }

    /** True while connected and subscribed to the fleet's topics. */
    public boolean brokerConnected() {
        return connection.connected();
    }

    public FleetRegistry registry() {
        return registry;
    }

    /** Enrolment of units: tokens, certificates, revocation (the same service as the web app's and the CLI's). */
    public EnrolmentService enrolment() {
        return enrolment;
    }

    /**
     * The agency keys of {@code encryption:}: the public key units get at enrolment and the private keys, by key id,
     * with which evidence routes may decrypt a recording for playback or export ({@link AgencyKeys#privateKey} with the
     * key id its manifest names). Empty of private keys where the gateway is not meant to decrypt.
     */
    public AgencyKeys agencyKeys() {
        return agencyKeys;
    }

    /** The retention categories and periods of the configuration: what a recording may be categorized as. */
    public RetentionPolicy retentionPolicy() {
        return retention;
    }

    private static void stopSweeps(AutoCloseable sweeps) {
        try {
            sweeps.close();
        } catch (Exception e) {
            Logger.warn("Stopping the retention sweeps failed: {}", e.getMessage());
        }
    }

    /** The officer directory and the units' assignments. */
    public OfficerDirectory officers() {
        return officers;
    }

    /** The evidence index: every recording the units reported, with its custody. */
    public RecordingCatalog evidenceIndex() {
        return evidence.catalog();
    }

    /**
     * The agency's units: what the embedded broker's extension asks ({@code directory::admits}) and listens to for
     * revocations ({@link UnitDirectory#listen}).
     */
    public UnitDirectory units() {
        return units;
    }

    /**
     * Stops in reverse order, with one exception: live video goes first, so viewers still get its "the gateway is
     * shutting down" over their open sockets. Then HTTP, the fleet connection (before the command client, so no reply
     * arrives while the commands still waiting are failed), the embedded broker if there is one, and the audit log.
     */
    @Override
    public void close() {
        // Open calls end first, audited, with talk.stop to their units while the fleet connection is still up.
        if (talk != null) talk.closeAll();
        live.close();
        try {
            http.close();
        } catch (RuntimeException e) {
            Logger.warn(e, "Stopping the HTTP API failed");
        }
        if (officers != null) officers.close();
        connection.close();
        commands.close();
        dispatches.close();
        if (broker != null) broker.close();
        reported.close();
        // Before the database and the store it uses; a sweep under way is interrupted and resumes tomorrow.
        stopSweeps(retentionSweeps);
        evidence.close();
        EvidenceIndex.closeQuietly(objects);
        units.close();
        audit.close();
        Logger.info("Gateway {} stopped", config.gatewayId());
    }
}
