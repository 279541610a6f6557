package org.openbwc.gateway.evidence;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openbwc.config.RetentionConfig;
import org.openbwc.config.RetentionPeriod;

/**
 * The agency's retention categories and how long each keeps a recording, from {@code retention:} in gateway.yaml:
 * what a recording may be categorized as (the store takes any name, so the gateway checks it here) and what the sweep
 * deletes. Immutable and shared.
 */
public final class RetentionPolicy {

    private final Map<String, RetentionPeriod> periods;
    private final RetentionPeriod uncategorized;
    private final int sweepHour;

    private RetentionPolicy(Map<String, RetentionPeriod> periods, RetentionPeriod uncategorized, int sweepHour) {
        // In the order gateway.yaml lists them, for messages and pick lists.
        this.periods = Collections.unmodifiableMap(new LinkedHashMap<>(periods));
        this.uncategorized = uncategorized;
        this.sweepHour = sweepHour;
    }

    /** The policy of a gateway's {@code retention:} section; its defaults when the section is null. */
    public static RetentionPolicy of(RetentionConfig config) {
        RetentionConfig c = config == null ? RetentionConfig.defaults() : config;
        return new RetentionPolicy(c.categoryPeriods(), c.uncategorizedPeriod(), c.sweepHour());
    }

    /** True when {@code name} is one of the configured categories. */
    public boolean isCategory(String name) {
        return name != null && periods.containsKey(name);
    }

    /**
     * How long a recording of the category is kept: the uncategorized period for null, empty for a name that is not
     * a configured category (such recordings are kept: the sweep never guesses).
     */
    public Optional<RetentionPeriod> periodOf(String category) {
        return category == null ? Optional.of(uncategorized) : Optional.ofNullable(periods.get(category));
    }

    /**
     * Refuses a category that is not configured, for whoever categorizes a recording ({@code null}, no category, is
     * fine).
     *
     * @throws IllegalArgumentException naming the category and the configured ones
     */
    public void requireCategory(String category) {
        if (category != null && !isCategory(category)) {
            throw new IllegalArgumentException("unknown retention category " + category + " (configured: "
                    + String.join(", ", periods.keySet()) + ")");
        }
    }

    /** The configured categories' names. */
    public Set<String> categories() {
        return periods.keySet();
    }

    /** The period of recordings without a category. */
    public RetentionPeriod uncategorized() {
        return uncategorized;
    }

    /** The hour of the day (UTC) the gateway sweeps. */
    public int sweepHour() {
        return sweepHour;
    }

    /** Each category's cutoff at {@code now}: recordings that ended before it have been kept long enough. */
    Map<String, Instant> cutoffs(Instant now) {
        Map<String, Instant> out = new LinkedHashMap<>();
        periods.forEach((name, period) -> period.cutoff(now).ifPresent(at -> out.put(name, at)));
        return out;
    }

    /** The cutoff for recordings without a category; null when they are kept for good. */
    Instant uncategorizedCutoff(Instant now) {
        return uncategorized.cutoff(now).orElse(null);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        periods.forEach((name, period) ->
                s.append(s.isEmpty() ? "" : ", ").append(name).append('=').append(period));
        return s + "; uncategorized " + uncategorized + "; sweep at "
                + String.format(Locale.ROOT, "%02d:00 UTC", sweepHour);
    }
}
