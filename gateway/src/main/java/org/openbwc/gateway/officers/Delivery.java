package org.openbwc.gateway.officers;

/**
 * What became of an assignment on its way to the unit.
 *
 * @param outcome {@code applied} (the unit answered that it carries the officer now), {@code pending} (the unit is
 *     offline or did not answer: it gets the assignment when it is next online), or {@code refused} (the unit said
 *     no; the gateway tries again later)
 * @param message for the operator: what the unit said, or why it has not heard yet
 */
public record Delivery(String outcome, String message) {
    public static final String APPLIED = "applied";
    public static final String PENDING = "pending";
    public static final String REFUSED = "refused";

    static Delivery applied(String message) {
        return new Delivery(APPLIED, message);
    }

    static Delivery pending(String message) {
        return new Delivery(PENDING, message);
    }

    static Delivery refused(String message) {
        return new Delivery(REFUSED, message);
    }
}
