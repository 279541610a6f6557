package org.openbwc.config;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * How long a recording is kept, as written in gateway.yaml: {@code 90d}, {@code 6w}, {@code 18m}, {@code 7y} or
 * {@code never}.
 *
 * @param amount how many units; 0 for never
 * @param unit 'd', 'w', 'm' or 'y'; ' ' for never
 */
public record RetentionPeriod(int amount, char unit) {

    /** What a period may be, as a regex (also for the JSON Schema) and in words for "(allowed: ...)". */
    static final String REGEX = "never|[1-9][0-9]{0,4}[dwmy]";

    static final String ALLOWED =
            "a number of days, weeks, months or years such as 90d, 6w, 18m or 7y (at most 100" + " years), or never";

    private static final java.util.regex.Pattern FORMAT = java.util.regex.Pattern.compile("([1-9][0-9]{0,4})([dwmy])");

    /** Kept for good. */
    public static final RetentionPeriod NEVER = new RetentionPeriod(0, ' ');

    public RetentionPeriod {
        if (unit == ' ' ? amount != 0 : "dwmy".indexOf(unit) < 0 || amount < 1 || days(amount, unit) > 36_525) {
            throw new IllegalArgumentException("not a retention period: " + amount + unit);
        }
    }

    /**
     * Parses {@code 90d}, {@code 6w}, {@code 18m}, {@code 7y} or {@code never}.
     *
     * @throws IllegalArgumentException with {@link #problem} when the text is not a period
     */
    public static RetentionPeriod parse(String text) {
        String problem = problem(text);
        if (problem != null) throw new IllegalArgumentException(text + " " + problem + " (allowed: " + ALLOWED + ")");
        if (text.equals("never")) return NEVER;
        Matcher m = FORMAT.matcher(text);
        m.matches();
        return new RetentionPeriod(Integer.parseInt(m.group(1)), m.group(2).charAt(0));
    }

    /** Why the text is not a period, phrased to follow it ("is not a period"); null when it is one. */
    static String problem(String text) {
        if (text == null || text.isEmpty()) return "is empty";
        if (text.equals("never")) return null;
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            return text.toLowerCase(Locale.ROOT).equals(text) ? "is not a period" : "is not a period (lower case only)";
        }
        // A period this long is "never" in all but name; refusing it keeps "never" the one way to say so.
        return days(Integer.parseInt(m.group(1)), m.group(2).charAt(0)) > 36_525 ? "is over 100 years" : null;
    }

    private static long days(long amount, char unit) {
        return switch (unit) {
            case 'd' -> amount;
            case 'w' -> amount * 7;
            case 'm' -> amount * 30;
            case 'y' -> amount * 365;
            default -> throw new IllegalArgumentException("unit " + unit);
        };
    }

    /** True for {@link #NEVER}. */
    public boolean isNever() {
        return unit == ' ';
    }

    /**
     * The instant this period before {@code now}, in calendar terms on UTC (18m before 31 August is 28 or 29 February);
     * a recording that ended before it has been kept long enough. Empty for never.
     */
    public Optional<Instant> cutoff(Instant now) {
        if (isNever()) return Optional.empty();
        ZonedDateTime at = now.atZone(ZoneOffset.UTC);
        ZonedDateTime cutoff = switch (unit) {
            case 'd' -> at.minusDays(amount);
            case 'w' -> at.minusWeeks(amount);
            case 'm' -> at.minusMonths(amount);
            case 'y' -> at.minusYears(amount);
            default -> throw new AssertionError(unit);
        };
        return Optional.of(cutoff.toInstant());
    }

    /** As written in gateway.yaml: {@code 90d}, {@code never}. */
    @Override
    public String toString() {
        return isNever() ? "never" : amount + String.valueOf(unit);
    }
}
