package org.openbwc.gateway.dispatch;

import java.util.List;

/**
 * What an operator asks for when placing an incident, checked: where, a short note and how urgent.
 *
 * @throws IllegalArgumentException naming the field and what is allowed
 */
public record DispatchRequest(double lat, double lon, String note, String priority) {
    /** Longest note, in characters: the unit shows or says it, it is not a report. */
    public static final int MAX_NOTE_CHARS = 200;

    /** What {@code priority} may say, least urgent first (the unit's tone has more beeps the more urgent). */
    public static final List<String> PRIORITIES = List.of("routine", "urgent", "emergency");

    public DispatchRequest {
        if (!(lat >= -90 && lat <= 90)) throw new IllegalArgumentException("lat " + lat + " is out of range -90..90");
        if (!(lon >= -180 && lon <= 180)) {
            throw new IllegalArgumentException("lon " + lon + " is out of range -180..180");
        }
        note = note == null ? "" : note.strip();
        int chars = note.codePointCount(0, note.length());
        if (chars > MAX_NOTE_CHARS) {
            throw new IllegalArgumentException("the note is " + chars + " characters long; at most " + MAX_NOTE_CHARS);
        }
        if (note.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException("the note must be one line of text (no control characters)");
        }
        if (priority == null || !PRIORITIES.contains(priority)) {
            throw new IllegalArgumentException(
                    "priority '" + priority + "' is not one of " + String.join(", ", PRIORITIES));
        }
    }
}
