package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.javalin.util.JavalinBindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.openbwc.pki.TlsContexts;
import org.tinylog.Logger;

/**
 * The gateway's HTTP server for the monitoring room: Jetty set up for event streams and live video, the {@link Routes}
 * table mounted, and every error answered as JSON {@code {"error": "..."}}; no stack trace ever leaves the process.
 *
 * <p>Two listeners share the routes: the operators' one on {@code http.port} (HTTPS with HSTS, or plain HTTP bound to
 * loopback), and the units' listener on {@code http.unitPort}, always TLS with the gateway's server certificate, asking
 * every client for a certificate from the agency CA ({@code wantClientAuth}: a unit that is still enrolling has none).
 * On both, a request's client certificate chain is in the Servlet attribute {@link ClientIdentity} reads.
 */
public final class WebServer implements AutoCloseable {

    private static final int MAX_PLATFORM_THREADS = 32;
    /** One year, the value browsers' HSTS preload lists expect; the header is only sent over HTTPS. */
    static final long HSTS_MAX_AGE_SECONDS = 31_536_000;

    /**
     * Where and how the two listeners are bound.
     *
     * @param host the address both listen on
     * @param port the operators' port; 0 picks a free one
     * @param webTls TLS for the operators' port (presents the server certificate, asks for no client certificate);
     *     {@code null} serves plain HTTP, allowed only on a loopback address
     * @param unitPort the units' listener port; 0 picks a free one
     * @param unitTls the units' listener TLS: presents the server certificate and trusts only the agency CA for client
     *     certificates ({@code GatewayPki.serverContext()}); {@code null} starts no units' listener (tests of the
     *     operators' side only)
     */
    public record Listeners(String host, int port, SSLContext webTls, int unitPort, SSLContext unitTls) {
        public Listeners {
            Objects.requireNonNull(host, "host is required");
            if (webTls == null && !loopback(host)) {
                // The configuration already refuses this; a second guard because plain HTTP off the machine would
                // carry passwords and session cookies in clear.
                throw new IllegalStateException("plain HTTP on " + host
                        + " would carry passwords and session cookies over the network; serve HTTPS (http.https: true)"
                        + " or bind 127.0.0.1");
            }
        }

        /** Plain HTTP on a loopback address and no units' listener. */
        public static Listeners plain(String host, int port) {
            return new Listeners(host, port, null, 0, null);
        }
    }

    private final Runnable closeRoutes;
    private final Replies replies;
    private final Javalin app;
    private final Listeners listeners;
    private ServerConnector webConnector;
    private ServerConnector unitConnector;

    private WebServer(ObjectMapper mapper, Listeners listeners, Consumer<Javalin> mount, Runnable closeRoutes) {
        this.closeRoutes = closeRoutes;
        this.listeners = listeners;
        this.replies = new Replies(mapper);
        this.app = Javalin.create(cfg -> {
            cfg.jetty.addConnector((server, http) -> {
                webConnector = listeners.webTls() == null
                        ? plainConnector(server, http)
                        : tlsConnector(server, http, listeners.webTls(), false, HSTS_MAX_AGE_SECONDS, false);
                webConnector.setHost(listeners.host());
                webConnector.setPort(listeners.port());
                return webConnector;
            });
            if (listeners.unitTls() != null) {
                cfg.jetty.addConnector((server, http) -> {
                    // Units are not browsers: no HSTS, but a client certificate when they have one.
                    unitConnector = tlsConnector(server, http, listeners.unitTls(), true, -1, true);
                    unitConnector.setHost(listeners.host());
                    unitConnector.setPort(listeners.unitPort());
                    return unitConnector;
                });
            }
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
        mount.accept(app);
        errors();
    }

    /**
     * Starts plain HTTP on a loopback {@code host:port} without a units' listener; port 0 picks a free port.
     *
     * @throws IllegalStateException naming the address when the port is taken, or when host is not loopback
     */
    public static WebServer start(String host, int port, ObjectMapper mapper, Routes routes) {
        return start(Listeners.plain(host, port), mapper, routes);
    }

    /**
     * Starts both listeners with the routes mounted on them; see {@link #port()} and {@link #unitPort()} for the ports
     * bound.
     *
     * @throws IllegalStateException naming the address when a port is taken
     */
    public static WebServer start(Listeners listeners, ObjectMapper mapper, Routes routes) {
        return start(listeners, mapper, routes::mount, routes::close);
    }

    /** Starts a server with any routes (tests of the listeners themselves). */
    static WebServer start(Listeners listeners, ObjectMapper mapper, Consumer<Javalin> mount, Runnable closeRoutes) {
        WebServer server = new WebServer(mapper, listeners, mount, closeRoutes);
        try {
            server.app.start();
        } catch (RuntimeException e) {
            server.app.stop();
            closeRoutes.run();
            boolean units = listeners.unitTls() != null;
            String where = listeners.host() + ":" + listeners.port()
                    + (units ? " and the units' listener on " + listeners.host() + ":" + listeners.unitPort() : "");
            String why = e instanceof JavalinBindException
                    ? (units
                            ? "port " + listeners.port() + " or " + listeners.unitPort() + " on " + listeners.host()
                                    + " is already in use; set http.port or http.unitPort to another port"
                            : "port " + listeners.port() + " on " + listeners.host()
                                    + " is already in use; set http.port to another port")
                    : e.getMessage();
            throw new IllegalStateException("cannot start the HTTP API on " + where + ": " + why, e);
        }
        Logger.debug(
                "HTTP API listening on {}:{} ({}), units' listener on port {}",
                listeners.host(),
                server.port(),
                server.https() ? "HTTPS" : "plain HTTP, loopback only",
                server.unitPort());
        return server;
    }

    /** The operators' port actually bound (useful when started on port 0). */
    public int port() {
        return webConnector.getLocalPort();
    }

    /** The units' listener's port actually bound; -1 when there is none. */
    public int unitPort() {
        return unitConnector == null ? -1 : unitConnector.getLocalPort();
    }

    /** Whether the operators' port serves HTTPS. */
    public boolean https() {
        return listeners.webTls() != null;
    }

    /** Ends the event streams, then stops the server. */
    @Override
    public void close() {
        closeRoutes.run();
        app.stop();
    }

    private static ServerConnector plainConnector(Server server, HttpConfiguration http) {
        return new ServerConnector(server, new HttpConnectionFactory(http));
    }

    /**
     * A TLS 1.2/1.3 connector presenting the context's key. {@code wantClientAuth} asks for a client certificate
     * without requiring one; one that does not chain to the context's trusted CA fails the handshake. The {@link
     * SecureRequestCustomizer} puts the verified chain into the request for {@link ClientIdentity}, marks requests
     * secure (so cookies get {@code Secure}) and adds HSTS when {@code stsMaxAge} is positive. With {@code
     * clientOrder} the client's order of cipher suites decides.
     */
    private static ServerConnector tlsConnector(
            Server server,
            HttpConfiguration shared,
            SSLContext context,
            boolean wantClientAuth,
            long stsMaxAge,
            boolean clientOrder) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setSslContext(context);
        tls.setIncludeProtocols(TlsContexts.PROTOCOLS);
        // Units offload with ChaCha20-Poly1305 first: their C1-only JVM has no AES-GCM intrinsics, and AES-GCM took
        // four times its CPU (bench/README.md, issue 15). Every suite on offer is one the server accepts anyway.
        tls.setUseCipherSuitesOrder(!clientOrder);
        tls.setWantClientAuth(wantClientAuth);
        // Client certificates name units, not hosts: no host name check on them.
        tls.setEndpointIdentificationAlgorithm(null);
        HttpConfiguration http = new HttpConfiguration(shared);
        http.setSecureScheme("https");
        // One certificate for every name the gateway answers to: nothing for SNI to choose, and browsers reach it by
        // IP address as often as by name.
        SecureRequestCustomizer secure = new SecureRequestCustomizer(false, false, stsMaxAge, false);
        http.addCustomizer(secure);
        return new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
    }

    /** Whether {@code host} is an address only this machine reaches: localhost or a loopback IP literal. */
    static boolean loopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) return true;
        // Only IP literals are resolved (without DNS); any other name may point anywhere.
        if (!h.matches("[0-9.]+") && !h.contains(":")) return false;
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
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
