package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.javalin.util.JavalinBindException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.tinylog.Logger;

/**
 * The gateway's HTTP server for the monitoring room: Jetty set up for event streams and live video, the {@link Routes}
 * table mounted, and every error answered as JSON {@code {"error": "..."}}; no stack trace ever leaves the process.
 */
public final class WebServer implements AutoCloseable {

    private static final int MAX_PLATFORM_THREADS = 32;

    private final Routes routes;
    private final Replies replies;
    private final Javalin app;

    private WebServer(ObjectMapper mapper, Routes routes) {
        this.routes = routes;
        this.replies = new Replies(mapper);
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            // Event streams and command round trips block their request thread, so requests run on virtual threads;
            // Jetty's selector and acceptor stay on platform threads (Javalin's all-virtual pool pins carriers).
            QueuedThreadPool pool = new QueuedThreadPool(MAX_PLATFORM_THREADS, 4, 60_000);
            pool.setName("gateway-http");
            pool.setVirtualThreadsExecutor(VirtualThreads.getDefaultVirtualThreadsExecutor());
            cfg.jetty.threadPool = pool;
            cfg.jsonMapper(new JavalinJackson(mapper, false));
            cfg.router.ignoreTrailingSlashes = true;
            // A keyframe fragment of 1080p video is a few hundred kB; Jetty's default limit is 64 kB.
            cfg.jetty.modifyWebSocketServletFactory(ws -> {
                ws.setMaxBinaryMessageSize(LiveSockets.MAX_MESSAGE_BYTES);
                ws.setMaxTextMessageSize(64 * 1024);
                ws.setIdleTimeout(Duration.ofSeconds(60));
            });
            // Pages and libraries are public (the sign-in page needs them); everything they show comes from the API.
            cfg.staticFiles.add(files -> {
                files.hostedPath = "/webjars";
                files.directory = "/META-INF/resources/webjars";
                files.location = Location.CLASSPATH;
                files.roles = Set.of(Access.PUBLIC);
            });
            cfg.staticFiles.add(files -> {
                files.hostedPath = "/assets";
                files.directory = WebPages.ASSET_DIR;
                files.location = Location.CLASSPATH;
                files.headers = Map.of("Cache-Control", "no-cache");
                files.roles = Set.of(Access.PUBLIC);
            });
        });
        routes.mount(app);
        errors();
    }

    /**
     * Starts the server on {@code host:port}; port 0 picks a free port, see {@link #port()}.
     *
     * @throws IllegalStateException naming the address when the port is taken
     */
    public static WebServer start(String host, int port, ObjectMapper mapper, Routes routes) {
        WebServer server = new WebServer(mapper, routes);
        try {
            server.app.start(host, port);
        } catch (RuntimeException e) {
            server.app.stop();
            routes.close();
            String why = e instanceof JavalinBindException
                    ? "port " + port + " on " + host + " is already in use; set http.port to another port"
                    : e.getMessage();
            throw new IllegalStateException("cannot start the HTTP API on " + host + ":" + port + ": " + why, e);
        }
        Logger.debug("HTTP API listening on {}:{}", host, server.port());
        return server;
    }

    /** The port actually bound (useful when started on port 0). */
    public int port() {
        return app.port();
    }

    /** Ends the event streams, then stops the server. */
    @Override
    public void close() {
        routes.close();
        app.stop();
    }

    /** Every failure becomes a JSON error; only a 500 is logged with its stack trace, and it stays in the log. */
    private void errors() {
        app.exception(ApiError.class, (e, ctx) -> replies.error(ctx, e.status, e.getMessage(), e.unit));
        app.exception(HttpResponseException.class, (e, ctx) -> {
            String message =
                    e.getStatus() == 404 ? "no such resource: " + ctx.method() + " " + ctx.path() : e.getMessage();
            replies.error(ctx, e.getStatus(), message, null);
        });
        app.exception(Exception.class, (e, ctx) -> {
            Logger.error(e, "HTTP {} {} failed", ctx.method(), ctx.path());
            replies.error(
                    ctx,
                    500,
                    "internal error while handling " + ctx.method() + " " + ctx.path() + "; see the gateway log",
                    null);
        });
        app.error(404, ctx -> {
            if (!Replies.handled(ctx))
                replies.error(ctx, 404, "no such resource: " + ctx.method() + " " + ctx.path(), null);
        });
        app.error(405, ctx -> {
            if (!Replies.handled(ctx))
                replies.error(ctx, 405, "method " + ctx.method() + " is not allowed on " + ctx.path(), null);
        });
    }
}
