package org.openbwc.protocol;

import java.util.List;
import java.util.Objects;

/**
 * Who may publish and subscribe to which topics: the one statement of the broker's access rules
 * (docs/security.md, "MQTT topic rules"). The embedded broker's extension grants exactly these, the shipped
 * Mosquitto ACL spells out the same, and tests check brokers against them.
 *
 * <p>A unit publishes only its own status, location, events and stream handle and its replies to any requester, and
 * subscribes only to its own commands and event acknowledgements. A gateway sends commands and event
 * acknowledgements to every unit, reads every unit's topics and only its own replies. Ids starting with {@code _} are reserved ({@code _replies} is a level of the topic tree), so no
 * client may hold one.
 *
 * @param publish topic filters the client may publish to
 * @param subscribe topic filters the client may subscribe to (a subscription must lie within one of them)
 */
public record TopicRules(List<String> publish, List<String> subscribe) {

    public TopicRules {
        publish = List.copyOf(publish);
        subscribe = List.copyOf(subscribe);
    }

    /** What a unit may do. */
    public static TopicRules unit(String unitId) {
        String id = requireClientId(unitId);
        return new TopicRules(
                List.of(
                        Topics.status(id),
                        Topics.location(id),
                        Topics.event(id),
                        Topics.stream(id),
                        Topics.REPLIES_ROOT + "/+/" + id),
                List.of(Topics.commandFilter(id), Topics.eventAck(id)));
    }

    /** What a gateway may do. */
    public static TopicRules gateway(String gatewayId) {
        String id = requireClientId(gatewayId);
        return new TopicRules(
                List.of(Topics.ROOT + "/+/cmd/+", Topics.ALL_EVENT_ACKS),
                List.of(Topics.ALL_UNIT_TOPICS, Topics.repliesFilter(id)));
    }

    /**
     * Validates an id that becomes a client's topic level: {@link Topics#ID_PATTERN}, and not reserved.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static String requireClientId(String id) {
        Topics.requireId(id, "client id");
        if (id.startsWith("_")) {
            throw new IllegalArgumentException("client id '" + id + "' is reserved (ids starting with '_' name"
                    + " levels of the topic tree, such as _replies)");
        }
        return id;
    }

    /** Whether publishing to {@code topic} (no wildcards) is allowed. */
    public boolean mayPublish(String topic) {
        Objects.requireNonNull(topic, "topic is required");
        if (topic.contains("+") || topic.contains("#")) return false;
        return publish.stream().anyMatch(f -> matches(f, topic));
    }

    /** Whether subscribing to {@code filter} is allowed: every topic it can match lies within one allowed filter. */
    public boolean maySubscribe(String filter) {
        Objects.requireNonNull(filter, "filter is required");
        return subscribe.stream().anyMatch(f -> covers(f, filter));
    }

    /** MQTT topic matching: does {@code filter} (with {@code +} and {@code #}) match {@code topic}? */
    public static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) return true;
            if (i >= t.length) return false;
            if (!f[i].equals("+") && !f[i].equals(t[i])) return false;
        }
        return f.length == t.length;
    }

    /** Whether every topic {@code inner} matches is also matched by {@code outer}. */
    public static boolean covers(String outer, String inner) {
        String[] o = outer.split("/", -1);
        String[] n = inner.split("/", -1);
        for (int i = 0; i < o.length; i++) {
            if (o[i].equals("#")) return true;
            if (i >= n.length) return false;
            if (n[i].equals("#")) return false;
            if (o[i].equals("+")) continue;
            if (n[i].equals("+") || !o[i].equals(n[i])) return false;
        }
        return o.length == n.length;
    }
}
