package org.openbwc.protocol;

import java.util.Optional;
import java.util.regex.Pattern;

/** Names every MQTT topic of the wire contract and parses incoming topics back into addresses. */
public final class Topics {
    /** Root of every topic; the version segment lets a v2 contract run beside v1 on one broker. */
    public static final String ROOT = "bwc/v1";

    /** Unit and gateway ids become topic levels, so they must not contain separators or wildcards. */
    public static final Pattern ID_PATTERN = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private static final Pattern COMMAND_PATTERN = Pattern.compile("[a-z][a-z0-9.-]{0,31}");

    public static final String ALL_STATUS = ROOT + "/+/status";
    public static final String ALL_LOCATION = ROOT + "/+/location";
    public static final String ALL_EVENTS = ROOT + "/+/event";
    public static final String ALL_STREAMS = ROOT + "/+/stream";
    /** Everything units publish (status, location, event, stream), for a gateway. */
    public static final String ALL_UNIT_TOPICS = ROOT + "/+/+";

    private Topics() {}

    public static String status(String unitId) {
        return unit(unitId) + "/status";
    }

    public static String location(String unitId) {
        return unit(unitId) + "/location";
    }

    public static String event(String unitId) {
        return unit(unitId) + "/event";
    }

    public static String stream(String unitId) {
        return unit(unitId) + "/stream";
    }

    /** Where the gateway acknowledges the events it has taken in from {@code unitId} ({@link EventAck}). */
    public static String eventAck(String unitId) {
        return unit(unitId) + "/ack/event";
    }

    /** Filter a gateway publishes event acknowledgements under, for every unit. */
    public static final String ALL_EVENT_ACKS = ROOT + "/+/ack/event";

    public static String command(String unitId, String name) {
        return unit(unitId) + "/cmd/" + requireCommandName(name);
    }
    /** Filter a unit subscribes to for every command addressed to it. */
    public static String commandFilter(String unitId) {
        return unit(unitId) + "/cmd/+";
    }
    /** Root of the reply topics: {@code bwc/v1/_replies/<requesterId>/<unitId>}. */
    public static final String REPLIES_ROOT = ROOT + "/_replies";

    /**
     * Where {@code unitId} answers a request of {@code requesterId} (e.g. a gateway); sent as the MQTT 5 response
     * topic. The unit's id is a level of its own so the broker can confine each unit to its own reply topics and the
     * requester can tell which unit really answered (see {@link TopicRules}).
     */
    public static String replies(String requesterId, String unitId) {
        return repliesRoot(requesterId) + "/" + requireId(unitId, "unit id");
    }

    /** Filter a requester subscribes to for the replies of every unit. */
    public static String repliesFilter(String requesterId) {
        return repliesRoot(requesterId) + "/+";
    }

    /**
     * The unit level of a reply topic addressed to {@code requesterId}; empty for any other topic, so a reply on
     * another requester's topic or on a malformed one is never taken for a unit's.
     */
    public static Optional<String> replyingUnit(String requesterId, String topic) {
        String prefix = repliesRoot(requesterId) + "/";
        if (topic == null || !topic.startsWith(prefix)) return Optional.empty();
        String unit = topic.substring(prefix.length());
        return ID_PATTERN.matcher(unit).matches() ? Optional.of(unit) : Optional.empty();
    }

    private static String repliesRoot(String requesterId) {
        return REPLIES_ROOT + "/" + requireId(requesterId, "requester id");
    }

    private static String unit(String unitId) {
        return ROOT + "/" + requireId(unitId, "unit id");
    }

    /** Validates an id that will become a topic level. */
    public static String requireId(String id, String what) {
        if (id == null || !ID_PATTERN.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " '" + id + "' is invalid (allowed: 1-64 of A-Z a-z 0-9 _ -)");
        }
        return id;
    }

    static String requireCommandName(String name) {
        if (name == null || !COMMAND_PATTERN.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "command name '" + name + "' is invalid (allowed: lowercase letters, digits, '.', '-')");
        }
        return name;
    }

    /** Parses a topic under {@link #ROOT}; empty when it is not one of ours or is malformed. */
    public static Optional<TopicAddress> parse(String topic) {
        if (topic == null || !topic.startsWith(ROOT + "/")) return Optional.empty();
        String[] parts = topic.substring(ROOT.length() + 1).split("/", -1);
        if (parts.length < 2 || !ID_PATTERN.matcher(parts[0]).matches()) return Optional.empty();
        String unitId = parts[0];
        if (parts.length == 2) {
            TopicKind kind = switch (parts[1]) {
                case "status" -> TopicKind.STATUS;
                case "location" -> TopicKind.LOCATION;
                case "event" -> TopicKind.EVENT;
                case "stream" -> TopicKind.STREAM;
                default -> null;
            };
            return kind == null ? Optional.empty() : Optional.of(new TopicAddress(unitId, kind, null));
        }
        if (parts.length == 3
                && parts[1].equals("cmd")
                && COMMAND_PATTERN.matcher(parts[2]).matches()) {
            return Optional.of(new TopicAddress(unitId, TopicKind.COMMAND, parts[2]));
        }
        return Optional.empty();
    }

    /** What a unit topic carries. */
    public enum TopicKind {
        STATUS,
        LOCATION,
        EVENT,
        STREAM,
        COMMAND
    }

    /** A parsed unit topic; {@code command} is set only for {@link TopicKind#COMMAND}. */
    public record TopicAddress(String unitId, TopicKind kind, String command) {}
}
