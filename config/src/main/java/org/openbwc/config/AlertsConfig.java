package org.openbwc.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Which routine unit events also interrupt the monitoring room as alerts (by default none: they go to the feed). */
public record AlertsConfig(
        @Doc("Comma-separated routine unit events that also raise an info alert in the monitoring room's banner, e.g."
                + " \"recording.started\" for an agency that wants every start acknowledged. Empty (the default): they"
                + " appear in the event feed only, and the banner is kept for what needs an operator.")
        @DefaultValue("")
        @TextLength(min = 0, max = 256)
        String bannerEvents) {

    /** Routine events an agency may raise as alerts. */
    public static final Set<String> ROUTINE_EVENTS = Set.of("recording.started");

    public AlertsConfig {
        Constraints.check(AlertsConfig.class, bannerEvents);
        List<Violation> problems = new ArrayList<>();
        for (String e : split(bannerEvents)) {
            if (!ROUTINE_EVENTS.contains(e)) {
                problems.add(new Violation(
                        "bannerEvents",
                        e,
                        "is not a routine event that can be raised as an alert",
                        String.join(", ", ROUTINE_EVENTS.stream().sorted().toList()) + ", or empty",
                        null));
            }
        }
        if (!problems.isEmpty()) throw new InvalidRecordException(AlertsConfig.class, problems);
    }

    /** The routine events raised as alerts, by wire name. */
    public Set<String> banner() {
        return Set.copyOf(split(bannerEvents));
    }

    /** Routine events go to the feed only. */
    public static AlertsConfig defaults() {
        return (AlertsConfig) RecordSpec.of(AlertsConfig.class).defaults(Map.of());
    }

    private static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) return out;
        for (String part : text.split(",")) {
            String t = part.trim().toLowerCase(Locale.ROOT);
            if (!t.isEmpty()) out.add(t);
        }
        return out;
    }
}
