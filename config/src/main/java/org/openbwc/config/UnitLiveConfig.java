package org.openbwc.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Where a unit may send live video: a live.start naming any other address is refused. */
public record UnitLiveConfig(
        @Doc("Comma-separated origins (scheme://host:port) a live.start may send the unit's camera to, e.g."
                + " \"wss://gateway.police.local:8444, rtmp://media.police.local:1935\". Anything else is refused and the"
                + " refusal is reported to the gateway.")
        @NullMeans(
                "wss:// on the host of enrolment.url, or, without enrolment, ws:// and wss:// on the host of mqtt.url")
        @TextLength(min = 1, max = 2048)
        String allowedOrigins) {

    public UnitLiveConfig {
        Constraints.check(UnitLiveConfig.class, allowedOrigins);
        if (allowedOrigins != null) {
            List<Violation> problems = new ArrayList<>();
            for (String origin : split(allowedOrigins)) {
                try {
                    URI u = new URI(origin);
                    if (u.getScheme() == null || u.getHost() == null || u.getPort() < 0 || hasPath(u)) {
                        problems.add(new Violation(
                                "allowedOrigins",
                                origin,
                                "is not an origin",
                                "scheme://host:port with nothing after the port, e.g. wss://gateway.local:8444",
                                null));
                    }
                } catch (URISyntaxException e) {
                    problems.add(new Violation(
                            "allowedOrigins",
                            origin,
                            "is not a valid URL (" + e.getReason() + ")",
                            "scheme://host:port",
                            null));
                }
            }
            if (!problems.isEmpty()) throw new InvalidRecordException(UnitLiveConfig.class, problems);
        }
    }

    /** Origins from the config; empty when the defaults apply. */
    public List<String> origins() {
        return allowedOrigins == null ? List.of() : split(allowedOrigins);
    }

    /** Derived origins. */
    public static UnitLiveConfig defaults() {
        return (UnitLiveConfig) RecordSpec.of(UnitLiveConfig.class).defaults(Map.of());
    }

    private static boolean hasPath(URI u) {
        return (u.getRawPath() != null
                        && !u.getRawPath().isEmpty()
                        && !u.getRawPath().equals("/"))
                || u.getRawQuery() != null;
    }

    private static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String t = part.trim().toLowerCase(Locale.ROOT);
            if (!t.isEmpty()) out.add(t.endsWith("/") ? t.substring(0, t.length() - 1) : t);
        }
        return out;
    }
}
