package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.openbwc.config.LiveConfig;
import org.openbwc.config.MapConfig;
import org.openbwc.evidence.encryption.AgencyKeyFiles;
import org.openbwc.gateway.alerts.AlertBoard;
import org.openbwc.gateway.alerts.AlertStore;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.auth.Authenticator;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.gateway.evidence.AgencyKeys;
import org.openbwc.gateway.fleet.CommandClient;
import org.openbwc.gateway.fleet.DroppedMessages;
import org.openbwc.gateway.fleet.FleetConnection;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.LocationTrails;
import org.openbwc.gateway.fleet.RecordingIndex;
import org.openbwc.gateway.identity.EnrolmentService;
import org.openbwc.gateway.identity.EnrolmentThrottle;
import org.openbwc.gateway.identity.UnitDirectory;
import org.openbwc.gateway.live.LiveService;
import org.openbwc.gateway.live.TalkCalls;
import org.openbwc.pki.AgencyCa;
import org.openbwc.store.RecordingCatalog;
import org.openbwc.store.objects.EvidenceObjects;

/**
 * The web server wired as the gateway wires it, around a registry the test feeds and a connection and command client
 * it mocks; with a heartbeat of 100 ms and a small event backlog so stream tests run fast.
 */
final class TestWeb implements AutoCloseable {

    static final int EVENT_BACKLOG = 64;
    /** Enrolment attempts one address may make per minute. */
    static final int ENROLMENT_ATTEMPTS = 20;

    private final WebServer server;
    private final EventStream events;
    private final GatewayMetrics metrics;

    private TestWeb(WebServer server, EventStream events, GatewayMetrics metrics) {
        this.server = server;
        this.events = events;
        this.metrics = metrics;
    }

    static TestWeb start(
            String host,
            int port,
            FleetRegistry registry,
            FleetConnection connection,
            CommandClient commands,
            Path dataDir,
            String gatewayId) {
        return start(
                WebServer.Listeners.plain(host, port),
                TestOperators.authenticator(dataDir, Clock.systemUTC()),
                registry,
                connection,
                commands,
                dataDir,
                gatewayId);
    }

    /** The evidence index and store the recordings API serves, for tests of those routes. */
    record Evidence(RecordingCatalog catalog, EvidenceObjects objects) {}

    /** The same on other listeners (HTTPS, the units' listener) and with another authenticator (a slow hasher). */
    static TestWeb start(
            WebServer.Listeners listeners,
            Authenticator auth,
            FleetRegistry registry,
            FleetConnection connection,
            CommandClient commands,
            Path dataDir,
            String gatewayId) {
        return start(listeners, auth, registry, connection, commands, dataDir, gatewayId, null);
    }

    /** With the recordings API on {@code evidence} ("bogus" is the one category the test policy does not know). */
    static TestWeb start(
            WebServer.Listeners listeners,
            Authenticator auth,
            FleetRegistry registry,
            FleetConnection connection,
            CommandClient commands,
            Path dataDir,
            String gatewayId,
            Evidence evidence) {
        return start(listeners, auth, registry, connection, commands, dataDir, gatewayId, evidence, null, null);
    }

    /** With the officer directory made by {@code officers} from the routes' audit log. */
    static TestWeb start(
            WebServer.Listeners listeners,
            Authenticator auth,
            FleetRegistry registry,
            FleetConnection connection,
            CommandClient commands,
            Path dataDir,
            String gatewayId,
            Evidence evidence,
            java.util.function.Function<AuditLog, org.openbwc.gateway.officers.OfficerDirectory> officers) {
        return start(listeners, auth, registry, connection, commands, dataDir, gatewayId, evidence, officers, null);
    }

    /** With the dispatch API served by {@code dispatches}. */
    static TestWeb start(
            WebServer.Listeners listeners,
            Authenticator auth,
            FleetRegistry registry,
            FleetConnection connection,
            CommandClient commands,
            Path dataDir,
            String gatewayId,
            Evidence evidence,
            DispatchRoutes dispatches) {
        return start(listeners, auth, registry, connection, commands, dataDir, gatewayId, evidence, null, dispatches);
    }

    /** With the officer directory made by {@code officers} from the routes' audit log, and the dispatch API (null: none). */
    static TestWeb start(
            WebServer.Listeners listeners,
            Authenticator auth,
            FleetRegistry registry,
            FleetConnection connection,
            CommandClient commands,
            Path dataDir,
            String gatewayId,
            Evidence evidence,
            java.util.function.Function<AuditLog, org.openbwc.gateway.officers.OfficerDirectory> officers,
            DispatchRoutes dispatches) {
        Clock clock = Clock.systemUTC();
        ObjectMapper json = HttpJson.mapper();
        Duration commandTimeout = Duration.ofMillis(500);
        MapConfig map = MapConfig.defaults().withTileUrl("");
        AlertBoard alerts = new AlertBoard(clock, registry, Set.of(), AlertStore.NONE);
        LocationTrails trails = new LocationTrails(100);
        RecordingIndex recordings = new RecordingIndex(10);
        registry.listen(alerts);
        registry.listen(trails);
        registry.listen(recordings);
        DroppedMessages drops = new DroppedMessages();
        LiveService live =
                new LiveService(gatewayId, registry, commands, alerts, LiveConfig.defaults(), commandTimeout, clock);
        AuditLog audit = AuditLog.open(dataDir.resolve("audit.log"), json, clock);
        TalkCalls talk = new TalkCalls(gatewayId, commands, audit, commandTimeout, clock);
        registry.listen(talk);

        Path pki = dataDir.resolve("pki");
        AgencyCa ca = AgencyCa.exists(pki) ? AgencyCa.open(pki, clock) : AgencyCa.create(pki, "test agency", clock);
        EnrolmentService enrolment = new EnrolmentService(
                UnitDirectory.open(dataDir, clock),
                ca,
                Duration.ofDays(30),
                pki.resolve("crl.pem"),
                new EnrolmentThrottle(ENROLMENT_ATTEMPTS, Duration.ofMinutes(1), 100, clock),
                // A test that put an agency.pub in the data dir has units get it, as encryption.publicKey would.
                java.nio.file.Files.exists(dataDir.resolve(AgencyKeyFiles.PUBLIC_KEY))
                        ? AgencyKeyFiles.readPublicKey(dataDir.resolve(AgencyKeyFiles.PUBLIC_KEY))
                        : null);

        EventStream events = new EventStream(registry, alerts, json, Duration.ofMillis(100), EVENT_BACKLOG);
        GatewayMetrics metrics =
                new GatewayMetrics(gatewayId, registry, connection, drops, alerts, events::clients, live);
        WebAccess access = new WebAccess(auth, audit, metrics, json);
        Routes routes = new Routes(
                access,
                new WebPages(map, LiveConfig.defaults()),
                events,
                new HealthRoutes(gatewayId, registry, connection, drops, commands, events, metrics, json),
                new FleetRoutes(gatewayId, registry, trails, recordings, map, json),
                new CommandRoutes(gatewayId, registry, commands, audit, metrics, commandTimeout, json),
                new AlertRoutes(alerts, audit, json),
                new AdminRoutes(audit, auth, json),
                new LiveRoutes(gatewayId, registry, live, audit, commandTimeout, json),
                new LiveSockets(live, access, audit, talk),
                new EnrolmentRoutes(enrolment, audit, json),
                null,
                evidence == null
                        ? null
                        : new EvidenceRoutes(
                                evidence.catalog(),
                                evidence.objects(),
                                audit,
                                json,
                                clock,
                                c -> !c.equals("bogus"),
                                AgencyKeys.none()),
                new TalkRoutes(gatewayId, registry, talk, json));
        if (officers != null)
            routes.officers(new OfficerRoutes(officers.apply(audit), registry, gatewayId, audit, json));
        if (dispatches != null) routes.withDispatches(dispatches);
        return new TestWeb(WebServer.start(listeners, json, routes), events, metrics);
    }

    int port() {
        return server.port();
    }

    int eventStreamClients() {
        return events.clients();
    }

    GatewayMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        server.close();
    }
}
