package org.openbwc.gateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Which audit entries an admin asks for; every filter is optional (null).
 *
 * @param actor who acted, exactly (a user name, "unit", "gateway")
 * @param action an action ({@code user.add}), or a family of them ({@code user} matches {@code user.add} and
 *     {@code user.role}, but not {@code users})
 * @param target what it concerned, exactly (a unit id, a user name, an alert id)
 * @param from entries at or after this instant
 * @param to entries before this instant
 * @param limit at most this many, newest first
 */
public record AuditQuery(String actor, String action, String target, Instant from, Instant to, int limit) {

    private static final Duration CLOCK_STEP_MARGIN = Duration.ofHours(1);

    public AuditQuery {
        if (limit < 1) throw new IllegalArgumentException("limit " + limit + " must be at least 1");
    }

    /** The newest {@code limit} entries, whatever they are. */
    public static AuditQuery newest(int limit) {
        return new AuditQuery(null, null, null, null, null, limit);
    }

    boolean matches(JsonNode entry) {
        if (actor != null && !actor.equals(entry.path("actor").asText(null))) return false;
        if (action != null) {
            String a = entry.path("action").asText("");
            if (!a.equals(action) && !a.startsWith(action + ".")) return false;
        }
        if (target != null && !target.equals(entry.path("target").asText(null))) return false;
        if (from != null || to != null) {
            Instant t = time(entry);
            if (t == null) return false;
            if (from != null && t.isBefore(from)) return false;
            if (to != null && !t.isBefore(to)) return false;
        }
        return true;
    }

    /**
     * Whether the entries written before this one cannot match any more, so a search from the newest end may stop.
     * The log is in time order, except where the gateway's clock was set back: an hour's margin covers that.
     */
    boolean endsSearch(JsonNode entry) {
        if (from == null) return false;
        Instant t = time(entry);
        return t != null && t.isBefore(from.minus(CLOCK_STEP_MARGIN));
    }

    private static Instant time(JsonNode entry) {
        try {
            return Instant.parse(entry.path("time").asText(""));
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
