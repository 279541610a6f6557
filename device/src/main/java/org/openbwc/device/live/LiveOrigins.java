package org.openbwc.device.live;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides whether a {@code live.start} may send the unit's camera to an address: the unit's own allow-list of origins
 * (scheme, host, port), so that whoever can publish a command cannot point the camera at a server of their choosing.
 * Pure: no I/O, no name lookups (a host is compared as written, only IPv6 literals are brought to one spelling).
 *
 * <p>Allowed are {@code live.allowedOrigins} when set; otherwise {@code wss://} on the host of {@code enrolment.url}
 * (any port), or, for a unit without enrolment, {@code ws://} and {@code wss://} on the host of {@code mqtt.url}
 * (any port). A media server ({@code rtmp}, {@code rtmps}, {@code srt}, {@code rtsp}) is allowed only when listed.
 *
 * <p>Refused whatever the list says: a URL that does not parse, an unsupported scheme, a registry-style authority
 * without a real host, user information on a WebSocket URL (so {@code wss://gateway@evil} cannot pass for the
 * gateway; it names host {@code evil} and is compared as such anyway), and a fragment. The path and query are not
 * the origin's business: they carry the uplink's unit and one-time ticket.
 */
public final class LiveOrigins {
    /** The key operators set; named in every refusal so the fix is obvious. */
    public static final String CONFIG_KEY = "live.allowedOrigins";

    static final int ANY_PORT = -1;
    /** A refusal quotes at most this much of a URL: the reply goes back over MQTT, and a log line stays one line. */
    static final int MAX_QUOTED = 200;

    private static final Map<String, Integer> DEFAULT_PORTS =
            Map.of("ws", 80, "wss", 443, "rtmp", 1935, "rtmps", 443, "rtsp", 554);
    private static final List<String> WEBSOCKET = List.of("ws", "wss");
    private static final List<String> MEDIA = List.of("rtmp", "rtmps", "srt", "rtsp");

    /** One allowed origin; {@code port} {@link #ANY_PORT} for a default derived from a host. */
    record Origin(String scheme, String host, int port) {
        boolean admits(Origin candidate) {
            return scheme.equals(candidate.scheme)
                    && host.equals(candidate.host)
                    && (port == ANY_PORT || port == candidate.port);
        }

        @Override
        public String toString() {
            String h = host.contains(":") ? "[" + host + "]" : host;
            return scheme + "://" + h + (port == ANY_PORT ? " (any port)" : ":" + port);
        }
    }

    private final List<Origin> allowed;
    private final String source;

    private LiveOrigins(List<Origin> allowed, String source) {
        this.allowed = List.copyOf(allowed);
        this.source = source;
    }

    /**
     * The origins a unit allows.
     *
     * @param configured {@code live.allowedOrigins}, each {@code scheme://host:port}; empty for the defaults
     * @param enrolmentUrl {@code enrolment.url}, or null without enrolment
     * @param mqttUrl {@code mqtt.url}, or null
     * @throws IllegalArgumentException when a configured origin is not {@code scheme://host:port}
     */
    public static LiveOrigins of(List<String> configured, String enrolmentUrl, String mqttUrl) {
        if (configured != null && !configured.isEmpty()) {
            List<Origin> list = new ArrayList<>();
            for (String o : configured) {
                Origin origin = parse(o).filter(x -> x.port != ANY_PORT)
                        .orElseThrow(() -> new IllegalArgumentException(
                                CONFIG_KEY + ": '" + o + "' is not an origin (scheme://host:port)"));
                list.add(origin);
            }
            return new LiveOrigins(list, CONFIG_KEY);
        }
        if (enrolmentUrl != null) {
            Optional<String> host = hostOf(enrolmentUrl);
            return new LiveOrigins(
                    host.map(h -> List.of(new Origin("wss", h, ANY_PORT))).orElse(List.of()),
                    CONFIG_KEY + " not set; the default is wss:// on the host of enrolment.url");
        }
        Optional<String> host = mqttUrl == null ? Optional.empty() : hostOf(mqttUrl);
        return new LiveOrigins(
                host.map(h -> List.of(new Origin("ws", h, ANY_PORT), new Origin("wss", h, ANY_PORT)))
                        .orElse(List.of()),
                CONFIG_KEY + " not set; the default is ws:// and wss:// on the host of mqtt.url");
    }

    /** The allowed origins, for the log and the docs ({@code scheme://host:port} or "(any port)"). */
    public List<String> describe() {
        return allowed.stream().map(Origin::toString).toList();
    }

    /**
     * Why {@code url} must not be connected to, as the reply to the gateway says it; empty when it may.
     *
     * @return e.g. {@code "live.start refused: wss://evil:9000 is not an allowed live origin (live.allowedOrigins)"}
     */
    public Optional<String> refusal(String url) {
        if (url == null || url.isBlank()) return Optional.of("live.start refused: no URL given");
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            return Optional.of("live.start refused: '" + quote(url) + "' is not a valid URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || uri.isOpaque() || (!WEBSOCKET.contains(scheme) && !MEDIA.contains(scheme))) {
            return Optional.of("live.start refused: '" + quote(url)
                    + "' is not a live address (ws://, wss://, rtmp://, rtmps://, srt:// or rtsp://)");
        }
        if (uri.getHost() == null) {
            return Optional.of("live.start refused: '" + quote(url)
                    + "' has no valid host (a host name or IP address and a port)");
        }
        if (uri.getRawUserInfo() != null && WEBSOCKET.contains(scheme)) {
            return Optional.of("live.start refused: '" + quote(url)
                    + "' carries user information before the host (user@host), which a live uplink never has");
        }
        if (uri.getRawFragment() != null) {
            return Optional.of("live.start refused: '" + quote(url) + "' has a fragment (#...)");
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : DEFAULT_PORTS.getOrDefault(scheme, ANY_PORT);
        if (port == ANY_PORT) {
            return Optional.of("live.start refused: '" + quote(url) + "' names no port, and " + scheme
                    + ":// has no default port");
        }
        Origin candidate = new Origin(scheme, normalHost(uri.getHost()), port);
        for (Origin o : allowed) {
            if (o.admits(candidate)) return Optional.empty();
        }
        String h = candidate.host.contains(":") ? "[" + candidate.host + "]" : candidate.host;
        String origin = cap(scheme + "://" + h + ":" + port);
        String why = MEDIA.contains(scheme) && !source.equals(CONFIG_KEY)
                ? CONFIG_KEY + " not set; a media server is allowed only when listed there"
                : source;
        return Optional.of("live.start refused: " + origin + " is not an allowed live origin (" + why + ")");
    }

    @Override
    public String toString() {
        return allowed.stream().map(Origin::toString).collect(Collectors.joining(", ", "[", "]")) + " (" + source + ")";
    }

    /** A configured origin or a derived host's URL; empty when it has no usable host. */
    static Optional<Origin> parse(String text) {
        try {
            URI u = new URI(text.strip());
            if (u.getScheme() == null || u.getHost() == null) return Optional.empty();
            String scheme = u.getScheme().toLowerCase(Locale.ROOT);
            int port = u.getPort() >= 0 ? u.getPort() : ANY_PORT;
            return Optional.of(new Origin(scheme, normalHost(u.getHost()), port));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> hostOf(String url) {
        return parse(url).map(Origin::host);
    }

    /**
     * Lower case, without the brackets of an IPv6 literal and without a trailing dot (both spell the same host); an
     * IPv6 literal in its one full form, so {@code [::1]} and {@code [0:0:0:0:0:0:0:1]} are the same. IPv4 and names
     * are compared as written: a different spelling is refused, which is the safe side.
     */
    static String normalHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            String literal = h.substring(1, h.length() - 1);
            try {
                // A literal containing ':' is parsed, never looked up.
                return InetAddress.getByName(literal).getHostAddress().toLowerCase(Locale.ROOT);
            } catch (UnknownHostException | SecurityException e) {
                return literal;
            }
        }
        while (h.endsWith(".") && h.length() > 1) h = h.substring(0, h.length() - 1);
        return h;
    }

    /** The URL up to its query (which may hold a one-time ticket), on one line, cut to {@link #MAX_QUOTED}. */
    private static String quote(String url) {
        int query = url.indexOf('?');
        return cap((query < 0 ? url : url.substring(0, query) + "?…").replaceAll("[\\p{Cntrl}]", "?"));
    }

    private static String cap(String text) {
        return text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED) + "…";
    }
}
