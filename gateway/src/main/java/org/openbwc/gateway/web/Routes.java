package org.openbwc.gateway.web;

import io.javalin.Javalin;

/**
 * The routes table: every path the gateway serves, with its method, the least role that may call it ({@link Access}),
 * and the route group that answers it. Pages, sign-in, assets and {@code /health} are public, and so is a unit's
 * enrolment (its one-time token is its credential); the two WebSocket ends of live video check their own tickets and
 * tokens.
 */
public final class Routes {

    private final WebAccess access;
    private final WebPages pages;
    private final EventStream events;
    private final HealthRoutes health;
    private final FleetRoutes fleet;
    private final CommandRoutes commands;
    private final AlertRoutes alerts;
    private final AdminRoutes admin;
    private final LiveRoutes live;
    private final LiveSockets liveSockets;
    private final EnrolmentRoutes enrolment;
    private final OffloadRoutes offload;
    private final EvidenceRoutes evidence;
    private final TalkRoutes talk;
    private OfficerRoutes officers;
    private DispatchRoutes dispatches;

    public Routes(
            WebAccess access,
            WebPages pages,
            EventStream events,
            HealthRoutes health,
            FleetRoutes fleet,
            CommandRoutes commands,
            AlertRoutes alerts,
            AdminRoutes admin,
            LiveRoutes live,
            LiveSockets liveSockets,
            EnrolmentRoutes enrolment,
            OffloadRoutes offload,
            EvidenceRoutes evidence,
            TalkRoutes talk) {
        this.access = access;
        this.pages = pages;
        this.events = events;
        this.health = health;
        this.fleet = fleet;
        this.commands = commands;
        this.alerts = alerts;
        this.admin = admin;
        this.live = live;
        this.liveSockets = liveSockets;
        this.enrolment = enrolment;
        this.offload = offload;
        this.evidence = evidence;
        this.talk = talk;
    }

    /** Serves the officer directory too (the gateway does; tests of the other routes leave it out). */
    public Routes officers(OfficerRoutes officerRoutes) {
        this.officers = officerRoutes;
        return this;
    }

    /** Adds the dispatch routes (before the server starts); without them the gateway serves no dispatch API. */
    public Routes withDispatches(DispatchRoutes routes) {
        this.dispatches = routes;
        return this;
    }

    void mount(Javalin app) {
        app.beforeMatched(access::check);
        app.before(pages::securityHeaders);
        app.get("/", ctx -> pages.page(ctx, "fleet.html"), Access.PUBLIC);
        app.get("/login", ctx -> pages.page(ctx, "login.html"), Access.PUBLIC);
        app.get("/units/{id}", ctx -> pages.page(ctx, "unit.html"), Access.PUBLIC);
        app.get("/admin/operators", ctx -> pages.page(ctx, "admin-operators.html"), Access.PUBLIC);
        app.get("/admin/audit", ctx -> pages.page(ctx, "admin-audit.html"), Access.PUBLIC);
        app.get("/admin/units", ctx -> pages.page(ctx, "admin-units.html"), Access.PUBLIC);
        app.get("/favicon.ico", pages::favicon, Access.PUBLIC);
        app.get("/health", health::publicHealth, Access.PUBLIC);
        app.post("/api/login", access::login, Access.PUBLIC);

        app.post("/api/logout", access::logout, Access.VIEWER);
        app.get("/api/me", access::me, Access.VIEWER);
        app.get("/api/map", fleet::map, Access.VIEWER);
        app.get("/api/units", fleet::units, Access.VIEWER);
        app.get("/api/units/{id}", fleet::unit, Access.VIEWER);
        app.get("/api/units/{id}/events", fleet::events, Access.VIEWER);
        app.get("/api/units/{id}/trail", fleet::trail, Access.VIEWER);
        app.get("/api/units/{id}/recordings", fleet::recordings, Access.VIEWER);
        app.get("/api/trails", fleet::trails, Access.VIEWER);
        app.get("/api/alerts", alerts::all, Access.VIEWER);
        app.get("/api/events", ctx -> events.serve(ctx, () -> access.stillSignedIn(ctx)), Access.VIEWER);
        app.get("/api/health", health::health, Access.VIEWER);
        app.get("/metrics", health::metrics, Access.VIEWER);

        app.post("/api/units/{id}/commands/{name}", commands::command, Access.SUPERVISOR);
        app.post("/api/alerts/ack-info", alerts::acknowledgeAllInfo, Access.SUPERVISOR);
        app.post("/api/alerts/{id}/ack", alerts::acknowledge, Access.SUPERVISOR);
        app.post("/api/alerts/{id}/resolve", alerts::resolve, Access.SUPERVISOR);

        app.get("/api/audit", admin::audit, Access.ADMIN);
        app.get("/api/audit/verify", admin::verifyAudit, Access.ADMIN);
        app.get("/api/users", admin::users, Access.ADMIN);
        app.post("/api/users", admin::addUser, Access.ADMIN);
        app.post("/api/users/{name}/role", admin::setRole, Access.ADMIN);
        app.post("/api/users/{name}/disable", admin::disable, Access.ADMIN);
        app.post("/api/users/{name}/enable", admin::enable, Access.ADMIN);
        app.post("/api/users/{name}/password", admin::resetPassword, Access.ADMIN);

        // Enrolment: units present a one-time token instead of a session (they call it on the units' listener);
        // admins issue tokens, list the units and revoke them.
        app.post("/api/enrol", enrolment::enrol, Access.PUBLIC);
        app.post("/api/enrolments", enrolment::add, Access.ADMIN);
        app.get("/api/enrolments", enrolment::list, Access.ADMIN);
        app.post("/api/units/{id}/revoke", enrolment::revoke, Access.ADMIN);

        // Live video: pages, the grant, HLS, and the two WebSocket ends (they check their own tickets and tokens).
        app.get("/live/{id}", ctx -> pages.page(ctx, "live.html"), Access.PUBLIC);
        app.get("/wall", ctx -> pages.page(ctx, "wall.html"), Access.PUBLIC);
        app.post("/api/live/{id}", live::grant, Access.SUPERVISOR);
        app.get("/api/live", live::streams, Access.VIEWER);
        app.get("/api/live/{id}/hls/{file}", live::hls, Access.SUPERVISOR);
        // Voice calls: a supervisor watching a unit live talks to it; the voice rides on the live view's socket.
        app.post("/api/units/{id}/calls", talk::open, Access.SUPERVISOR);
        app.get("/api/units/{id}/calls", talk::current, Access.VIEWER);
        app.delete("/api/units/{id}/calls/{callId}", talk::close, Access.SUPERVISOR);
        app.wsBeforeUpgrade("/api/live/{id}/ws", liveSockets::beforeViewer);
        app.ws("/api/live/{id}/ws", liveSockets::viewer, Access.PUBLIC);
        app.wsBeforeUpgrade("/uplink/{id}", liveSockets::beforeUplink);
        app.ws("/uplink/{id}", liveSockets::uplink, Access.PUBLIC);

        // Evidence: viewers search and play, supervisors categorize and export, admins hold. (Null in tests of the
        // other routes.)
        if (evidence != null) {
            app.get("/evidence", ctx -> pages.page(ctx, "evidence.html"), Access.PUBLIC);
            app.get("/recordings/{id}", ctx -> pages.page(ctx, "recording.html"), Access.PUBLIC);
            app.get("/api/recordings", evidence::search, Access.VIEWER);
            app.get("/api/recordings/{id}", evidence::recording, Access.VIEWER);
            app.get("/api/recordings/{id}/media", evidence::media, Access.VIEWER);
            app.get("/api/recordings/{id}/custody", evidence::custody, Access.VIEWER);
            app.post("/api/recordings/{id}/export", evidence::export, Access.SUPERVISOR);
            app.put("/api/recordings/{id}/category", evidence::category, Access.SUPERVISOR);
            app.post("/api/recordings/{id}/hold", ctx -> evidence.hold(ctx, true), Access.ADMIN);
            app.delete("/api/recordings/{id}/hold", ctx -> evidence.hold(ctx, false), Access.ADMIN);
        }

        // Dispatch: supervisors place incidents and send units, viewers follow them. (Null in tests of the others.)
        if (dispatches != null) dispatches.mount(app);

        // Offload: units send their recordings over tus on the units' listener; their certificate is the credential.
        // (Null in tests of the other routes.)
        if (offload != null) {
            app.options(OffloadRoutes.UPLOADS, offload::options, Access.PUBLIC);
            app.post(OffloadRoutes.UPLOADS, offload::create, Access.PUBLIC);
            app.head(OffloadRoutes.UPLOADS + "/{recording}/{file}", offload::head, Access.PUBLIC);
            app.patch(OffloadRoutes.UPLOADS + "/{recording}/{file}", offload::patch, Access.PUBLIC);
            app.get("/api/offload/recordings/{id}", offload::receipt, Access.PUBLIC);
            app.post("/api/offload/recordings/{id}/complete", offload::complete, Access.PUBLIC);
        }

        if (officers != null) mountOfficers(app);
    }

    /** The officer directory: viewers read it, supervisors manage officers and assign them to units. */
    private void mountOfficers(Javalin app) {
        app.get("/admin/officers", ctx -> pages.page(ctx, "admin-officers.html"), Access.PUBLIC);
        app.get("/api/officers", officers::list, Access.VIEWER);
        app.post("/api/officers", officers::add, Access.SUPERVISOR);
        app.put("/api/officers/{id}", officers::update, Access.SUPERVISOR);
        app.delete("/api/officers/{id}", officers::remove, Access.SUPERVISOR);
        app.get("/api/units/{id}/officer", officers::unitOfficer, Access.VIEWER);
        app.put("/api/units/{id}/officer", officers::assign, Access.SUPERVISOR);
        app.delete("/api/units/{id}/officer", officers::unassign, Access.SUPERVISOR);
    }

    /** Ends every event stream (browsers reconnect to whatever serves the address next). */
    void close() {
        events.close();
    }
}
