package org.openbwc.gateway.fleet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.openbwc.json.JsonException;
import org.openbwc.json.JsonReader;
import org.openbwc.protocol.Payload;
import org.tinylog.Logger;

/**
 * Counts the MQTT messages the gateway dropped, by reason, and logs each source and reason once at WARN, then at
 * DEBUG, so a unit stuck publishing garbage cannot flood the log.
 */
public final class DroppedMessages {

    /** Why a message was dropped; the wire names are the keys of the health report. */
    enum Reason {
        OVERSIZED("oversized"),
        NOT_JSON("not-json"),
        UNSUPPORTED_VERSION("unsupported-version"),
        INVALID_PAYLOAD("invalid-payload"),
        UNKNOWN_TOPIC("unknown-topic"),
        UNIT_MISMATCH("unit-mismatch"),
        NOT_ENROLLED("not-enrolled"),
        REVOKED("revoked"),
        LATE_REPLY("late-reply"),
        DUPLICATE_REPLY("duplicate-reply"),
        UNKNOWN_REPLY("unknown-reply"),
        HANDLER_ERROR("handler-error");

        final String key;

        Reason(String key) {
            this.key = key;
        }
    }

    // Bounds memory when sources are attacker-chosen topic names; beyond it everything logs at DEBUG.
    private static final int MAX_WARNED = 10_000;

    private final Map<Reason, LongAdder> counts = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public DroppedMessages() {
        for (Reason r : Reason.values()) counts.put(r, new LongAdder());
    }

    /**
     * @param source the unit id, or the topic when no unit can be named
     * @param detail what was wrong, readable by an operator (the decoder's reason, a size, ...)
     */
    void record(Reason reason, String source, String detail) {
        counts.get(reason).increment();
        String key = reason.key + '|' + source;
        if (warned.size() < MAX_WARNED && warned.add(key)) {
            Logger.warn(
                    "Dropped an MQTT message from {} ({}): {}; further drops of this kind from {} are logged at DEBUG",
                    source,
                    reason.key,
                    detail,
                    source);
        } else {
            Logger.debug("Dropped an MQTT message from {} ({}): {}", source, reason.key, detail);
        }
    }

    long count(Reason reason) {
        return counts.get(reason).sum();
    }

    public long total() {
        long n = 0;
        for (LongAdder a : counts.values()) n += a.sum();
        return n;
    }

    /** Every reason with its count (zeros included, so a dashboard sees stable keys), in declaration order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Reason r : Reason.values()) out.put(r.key, counts.get(r).sum());
        return out;
    }

    /** Sorts a payload the codec rejected into a drop reason; runs only on the failure path. */
    static Reason classify(byte[] payload, int maxPayloadBytes) {
        if (payload.length > maxPayloadBytes) return Reason.OVERSIZED;
        Object tree;
        try {
            tree = JsonReader.parse(payload);
        } catch (JsonException e) {
            return Reason.NOT_JSON;
        }
        if (!(tree instanceof Map<?, ?> members)) return Reason.NOT_JSON;
        if (members.get("version") instanceof Long version && version != Payload.VERSION)
            return Reason.UNSUPPORTED_VERSION;
        return Reason.INVALID_PAYLOAD;
    }

    /** A topic short enough to name as a source in the log. */
    static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
