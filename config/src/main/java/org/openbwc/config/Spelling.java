package org.openbwc.config;

import java.util.Collection;
import java.util.Locale;
import java.util.function.Function;

/** Finds the name a technician probably meant when a key or choice is misspelt. */
final class Spelling {

    private Spelling() {}

    /** The candidate closest to {@code given} if it is close enough to be a likely typo and unambiguous; else null. */
    static String closest(String given, Collection<String> candidates) {
        return closest(given, candidates, Function.identity());
    }

    /**
     * Like {@link #closest(String, Collection)}, comparing {@code given} with only part of each candidate, e.g. the last
     * segment of a dotted path.
     */
    static String closest(String given, Collection<String> candidates, Function<String, String> comparedPart) {
        // Allow roughly one slip per three characters, capped so unrelated short words are not "suggested".
        int limit = Math.max(1, Math.min(3, given.length() / 3));
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        boolean tie = false;
        for (String candidate : candidates) {
            int distance = distance(given, comparedPart.apply(candidate));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
                tie = false;
            } else if (distance == bestDistance) {
                tie = true;
            }
        }
        return best != null && !tie && bestDistance <= limit ? best : null;
    }

    /** Case-insensitive Levenshtein distance, because "preeventseconds" is obviously meant as preEventSeconds. */
    static int distance(String a, String b) {
        String x = a.toLowerCase(Locale.ROOT);
        String y = b.toLowerCase(Locale.ROOT);
        int[] previous = new int[y.length() + 1];
        int[] current = new int[y.length() + 1];
        for (int j = 0; j <= y.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= x.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= y.length(); j++) {
                int substitution = previous[j - 1] + (x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[y.length()];
    }
}
