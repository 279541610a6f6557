package org.openbwc.launcher;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.openbwc.config.GatewayConfig;
import org.openbwc.json.JsonReader;
import org.openbwc.json.JsonWriter;
import org.openbwc.pki.AgencyCa;
import org.openbwc.pki.TlsContexts;
import picocli.CommandLine.Option;

/**
 * The HTTP API of a running gateway, for the CLI commands that change what the gateway holds in its database while it
 * runs (its embedded H2 is locked by the gateway's process): signs in as an operator and sends one request. Where the
 * gateway is: {@code --url}, else the HTTP listener of its config (HTTPS trusted through the agency CA in its data
 * directory, unless {@code http.certificateFile} names a certificate the system trusts).
 */
final class GatewayApi {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The options every command that talks to a running gateway takes. */
    static final class Target {
        @Option(names = "--config", required = true, paramLabel = "FILE", description = "The gateway's YAML file.")
        Path config;

        @Option(
                names = "--url",
                paramLabel = "URL",
                description = "The gateway's web address, e.g. https://gw.example:8080 (default: http.host and"
                        + " http.port of the config).")
        String url;

        @Option(
                names = "--user",
                paramLabel = "NAME",
                description = "The operator to sign in as (supervisor or admin; default: $BWC_USER).")
        String user = System.getenv("BWC_USER");

        @Option(
                names = "--password-stdin",
                description = "Read the operator's password from the first line of standard input (scripts).")
        boolean passwordStdin;

        GatewayApi signIn() {
            GatewayConfig gw = Configs.loadGateway(config);
            if (user == null || user.isBlank()) {
                throw new UserFacingException(
                        "who signs in to the gateway? give --user NAME (a supervisor or admin) or set BWC_USER", 2);
            }
            GatewayApi api = new GatewayApi(url != null ? url : urlOf(gw), clientFor(gw));
            api.login(user, passwordStdin ? readStdinLine() : prompt(user));
            return api;
        }
    }

    /** One answer: the status and the body as plain JSON values (null when empty or not JSON). */
    record Reply(int status, Object json) {
        String error() {
            return json instanceof Map<?, ?> m && m.get("error") instanceof String s ? s : "HTTP " + status;
        }
    }

    private final String base;
    private final HttpClient http;
    private String token;

    GatewayApi(String base, HttpClient http) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.http = http;
    }

    static String urlOf(GatewayConfig gw) {
        String host = gw.http().host();
        if (host.equals("0.0.0.0") || host.equals("::")) host = "127.0.0.1";
        if (gw.http().https()
                && !gw.pki().serverHostList().isEmpty()
                && gw.http().certificateFile() == null) {
            // the agency's server certificate names these hosts, not necessarily the listening address
            host = gw.pki().serverHostList().get(0);
        }
        if (host.contains(":") && !host.startsWith("[")) host = "[" + host + "]";
        return (gw.http().https() ? "https://" : "http://") + host + ":"
                + gw.http().port();
    }

    private static HttpClient clientFor(GatewayConfig gw) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        Path ca = gw.pkiDir().resolve(AgencyCa.CERTIFICATE_FILE);
        if (gw.http().https() && gw.http().certificateFile() == null && Files.exists(ca)) {
            SSLContext tls = TlsContexts.trusting(ca);
            b.sslContext(tls);
        }
        return b.build();
    }

    void login(String user, String password) {
        Reply r = send("POST", "/api/login", Map.of("username", user, "password", password));
        if (r.status() != 200) throw new UserFacingException("signing in as " + user + " failed: " + r.error(), 1);
        token = (String) ((Map<?, ?>) r.json()).get("token");
    }

    Reply get(String path) {
        return send("GET", path, null);
    }

    Reply send(String method, String path, Object body) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).header("Accept", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(JsonWriter.compact(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new UserFacingException(
                    "the gateway is not reachable at " + base + " (" + UserFacingException.messageOf(e)
                            + "): is it running? (or give its address with --url)",
                    2,
                    e);
        } catch (SSLException e) {
            throw new UserFacingException(
                    "no trusted HTTPS connection to the gateway at " + base + ": " + e.getMessage(), 2, e);
        } catch (IOException e) {
            throw new UserFacingException(
                    "the gateway at " + base + " did not answer: " + UserFacingException.messageOf(e), 2, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserFacingException("interrupted", 1, e);
        }
        Object json = null;
        if (response.body().length > 0) {
            try {
                json = JsonReader.parse(response.body());
            } catch (RuntimeException e) {
                json = null;
            }
        }
        return new Reply(response.statusCode(), json);
    }

    /** The answer's JSON as a list of objects (for list routes). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Reply r) {
        return r.json() instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    private static String prompt(String user) {
        Console console = System.console();
        if (console == null) {
            throw new UserFacingException(
                    "no terminal to ask for " + user + "'s password; pipe it in with --password-stdin", 2);
        }
        char[] password = console.readPassword("Password for %s: ", user);
        if (password == null) throw new UserFacingException("no password given; nothing changed", 1);
        try {
            return new String(password);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static String readStdinLine() {
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null) throw new UserFacingException("--password-stdin: standard input is empty", 1);
            return line;
        } catch (IOException e) {
            throw new UserFacingException("--password-stdin: cannot read standard input: " + e.getMessage(), 1, e);
        }
    }
}
