package org.openbwc.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One problem found in a configuration file, precise enough for a field technician to fix it.
 *
 * <p>{@link #toString()} is {@code file:line key: value problem (allowed: ...)}, for example {@code unit.yaml:14
 * recording.preEventSeconds: 500 is out of range (allowed: 0..120)}; parts that do not apply are left out.
 *
 * @param file the file as it was given (not made absolute)
 * @param line 1-based line, or 0 when no line applies
 * @param key dotted key path such as {@code gpio.recordButton.pin}, or null for problems with the whole file
 * @param value the offending value as written in the file, or null (never a secret)
 * @param problem what is wrong
 * @param allowed what would be accepted, or null
 */
public record ConfigProblem(Path file, int line, String key, String value, String problem, String allowed) {

    private static final int MAX_VALUE_CHARS = 80;

    public ConfigProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(problem, "problem");
        if (line < 0) {
            throw new IllegalArgumentException("line must be 0 (unknown) or positive, not " + line);
        }
    }

    /** A problem with the file as a whole, such as it not existing. */
    static ConfigProblem ofFile(Path file, int line, String problem) {
        return new ConfigProblem(file, line, null, null, problem, null);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(file.toString());
        if (line > 0) {
            text.append(':').append(line);
        }
        if (key != null) {
            text.append(' ').append(key).append(':');
        }
        if (value != null) {
            text.append(' ').append(display(value));
        }
        text.append(' ').append(problem);
        if (allowed != null) {
            text.append(" (allowed: ").append(allowed).append(')');
        }
        return text.toString();
    }

    /**
     * Quotes a value when it would otherwise be ambiguous in a one-line message (empty, or containing spaces) and shortens
     * long values so one bad line cannot flood a terminal.
     */
    static String display(String value) {
        String shown = value.length() > MAX_VALUE_CHARS ? value.substring(0, MAX_VALUE_CHARS - 3) + "..." : value;
        boolean needsQuotes = shown.isEmpty() || shown.chars().anyMatch(c -> Character.isWhitespace(c) || c == '"');
        if (!needsQuotes) {
            return shown;
        }
        return '"'
                + shown.replace("\\", "\\\\")
                        .replace("\"", "\\\"")
                        .replace("\n", "\\n")
                        .replace("\t", "\\t")
                + '"';
    }
}
