package org.openbwc.device.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An incident the control room sent the officer ({@code dispatch} command): where it is, a short note and how urgent it
 * is. Built from the command's arguments by {@link #parse}, which refuses bad ones with a reason the room can show.
 */
public record DispatchOrder(String id, double lat, double lon, String note, String priority) {
    /** The longest note, in characters: it is read on a small screen or aloud, not a report. */
    public static final int MAX_NOTE_CHARS = 200;

    /** What {@code priority} may say, least urgent first. */
    public static final List<String> PRIORITIES = List.of("routine", "urgent", "emergency");

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final double EARTH_RADIUS_METERS = 6_371_008.8;

    public DispatchOrder {
        Objects.requireNonNull(id, "id is required");
        note = note == null ? "" : note;
        Objects.requireNonNull(priority, "priority is required");
    }

    /** The order the arguments describe, or why they do not describe one. */
    public sealed interface Parsed permits Valid, Refused {}

    /** The arguments were a valid order. */
    public record Valid(DispatchOrder order) implements Parsed {}

    /** The arguments were not: {@code reason} says which one and what is allowed. */
    public record Refused(String reason) implements Parsed {}

    /** Reads {@code id}, {@code lat}, {@code lon}, {@code note} (optional) and {@code priority}. */
    public static Parsed parse(Map<String, String> args) {
        String id = args.get("id");
        if (id == null || !ID.matcher(id).matches()) {
            return new Refused("dispatch id '" + (id == null ? "" : id) + "' must be 1-64 of A-Z a-z 0-9 _ -");
        }
        double lat;
        double lon;
        try {
            lat = Double.parseDouble(args.getOrDefault("lat", ""));
            lon = Double.parseDouble(args.getOrDefault("lon", ""));
        } catch (NumberFormatException e) {
            return new Refused(
                    "dispatch lat '" + args.get("lat") + "' and lon '" + args.get("lon") + "' must be decimal degrees");
        }
        if (!(lat >= -90 && lat <= 90)) return new Refused("dispatch lat " + lat + " is out of range -90..90");
        if (!(lon >= -180 && lon <= 180)) return new Refused("dispatch lon " + lon + " is out of range -180..180");
        String note = args.getOrDefault("note", "");
        int chars = note.codePointCount(0, note.length());
        if (chars > MAX_NOTE_CHARS) {
            return new Refused("dispatch note is " + chars + " characters; at most " + MAX_NOTE_CHARS);
        }
        String priority = args.getOrDefault("priority", "");
        if (!PRIORITIES.contains(priority)) {
            return new Refused("dispatch priority '" + priority + "' is not one of " + String.join(", ", PRIORITIES));
        }
        return new Valid(new DispatchOrder(id, lat, lon, note, priority));
    }

    /** Great-circle distance in meters from {@code (lat, lon)} to the incident (haversine on the mean sphere). */
    public double metersFrom(double fromLat, double fromLon) {
        double p1 = Math.toRadians(fromLat);
        double p2 = Math.toRadians(lat);
        double dp = p2 - p1;
        double dl = Math.toRadians(lon - fromLon);
        double a =
                Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(a)));
    }
}
