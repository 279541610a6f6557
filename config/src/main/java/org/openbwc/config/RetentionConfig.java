package org.openbwc.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How long the gateway keeps recordings, by category, and when its daily retention sweep runs. */
@CrossCheck(RetentionConfig.Periods.class)
public record RetentionConfig(
        @Doc("Retention categories and how long a recording of each is kept after it ended, as name=period pairs"
                + " separated by commas. Names: 1 to 40 of a-z, 0-9 and '-'. Periods: 90d, 6w, 18m, 7y (calendar"
                + " days, weeks, months, years; at most 100 years) or never. A recording can only be given one of"
                + " these categories.")
        @DefaultValue(DEFAULT_CATEGORIES)
        @TextLength(min = 1, max = 4096)
        String categories,

        @Doc("How long a recording without a category is kept after it ended: a period as in categories. The default"
                + " never deletes a recording nobody has categorized, as it may be evidence no one has looked at yet.")
        @DefaultValue("never")
        @Pattern(regex = RetentionPeriod.REGEX, allowed = RetentionPeriod.ALLOWED)
        String uncategorized,

        @Doc("Hour of the day (UTC) the gateway deletes the recordings whose retention has run out.")
        @DefaultValue("3")
        @IntRange(min = 0, max = 23)
        int sweepHour) {

    static final String DEFAULT_CATEGORIES =
            "no-event=90d, traffic=2y, arrest=7y, use-of-force=7y, complaint=7y, homicide=never";

    static final String CATEGORIES_ALLOWED =
            "name=period pairs separated by commas, e.g. no-event=90d, traffic=2y, homicide=never; names 1 to 40 of"
                    + " a-z, 0-9 and '-'; periods 90d, 6w, 18m, 7y or never";

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9-]{1,40}");

    public RetentionConfig {
        Constraints.check(RetentionConfig.class, categories, uncategorized, sweepHour);
    }

    /** The default categories, uncategorized kept for good, the sweep at 03:00 UTC. */
    public static RetentionConfig defaults() {
        return (RetentionConfig) RecordSpec.of(RetentionConfig.class).defaults(Map.of());
    }

    /** Copy with other categories (name=period, ...). */
    public RetentionConfig withCategories(String newCategories) {
        return new RetentionConfig(newCategories, uncategorized, sweepHour);
    }

    /** Copy with another period for recordings without a category. */
    public RetentionConfig withUncategorized(String newUncategorized) {
        return new RetentionConfig(categories, newUncategorized, sweepHour);
    }

    /** Copy with another sweep hour. */
    public RetentionConfig withSweepHour(int newSweepHour) {
        return new RetentionConfig(categories, uncategorized, newSweepHour);
    }

    /** Each category with its period, in the order written. */
    public Map<String, RetentionPeriod> categoryPeriods() {
        Map<String, RetentionPeriod> periods = new LinkedHashMap<>();
        String problem = parse(categories, periods);
        if (problem != null) throw new IllegalStateException("categories " + problem); // the constructor checked them
        return Collections.unmodifiableMap(periods);
    }

    /** The period of a recording without a category. */
    public RetentionPeriod uncategorizedPeriod() {
        return RetentionPeriod.parse(uncategorized);
    }

    /**
     * Reads name=period pairs into {@code out}; returns why the text is not such a list (phrased to follow the value),
     * or null.
     */
    static String parse(String text, Map<String, RetentionPeriod> out) {
        String[] items = text.split(",", -1);
        for (String raw : items) {
            String item = raw.strip();
            if (item.isEmpty()) return "has an empty entry (two commas, or one at an end)";
            int eq = item.indexOf('=');
            if (eq < 0) return "has " + item + " without =period";
            String name = item.substring(0, eq).strip();
            String period = item.substring(eq + 1).strip();
            if (!NAME.matcher(name).matches()) {
                return "has a category name " + (name.isEmpty() ? "that is empty" : name + " that is not valid");
            }
            String problem = RetentionPeriod.problem(period);
            if (problem != null)
                return "has " + (period.isEmpty() ? "no period" : period) + " for " + name
                        + (period.isEmpty() ? "" : ", which " + problem);
            if (out.putIfAbsent(name, RetentionPeriod.parse(period)) != null) return "names " + name + " twice";
        }
        return null;
    }

    /** The categories must parse: each name valid and once, each period a period. */
    static final class Periods implements CrossRule {
        @Override
        public void check(ValueLookup values, List<Violation> out) {
            if (!(values.get("categories") instanceof String text)) return;
            String problem = parse(text, new LinkedHashMap<>());
            if (problem != null) out.add(new Violation("categories", text, problem, CATEGORIES_ALLOWED));
            if (values.get("uncategorized") instanceof String period && RetentionPeriod.problem(period) != null) {
                out.add(new Violation(
                        "uncategorized", period, RetentionPeriod.problem(period), RetentionPeriod.ALLOWED));
            }
        }
    }
}
