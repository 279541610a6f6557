package org.openbwc.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks values against the constraints declared on record components; every config record's constructor calls it. */
final class Constraints {

    /** Stands for a value that failed its own checks, so cross-key rules can skip it instead of reporting it twice. */
    static final Object INVALID = new Object() {
        @Override
        public String toString() {
            return "<invalid>";
        }
    };

    /** The bound values of a record that could not be built because something in it is invalid. */
    record Partial(Map<String, Object> values) {}

    private Constraints() {}

    /**
     * Checks a record's constructor arguments against its annotations and cross-key rule.
     *
     * @param values the arguments in component order
     * @throws IllegalArgumentException naming every bad key, its value and what is allowed
     */
    static void check(Class<? extends Record> type, Object... values) {
        RecordSpec spec = RecordSpec.of(type);
        List<ComponentSpec> components = spec.components();
        if (values.length != components.size()) {
            throw new IllegalStateException(type.getSimpleName() + " passes " + values.length
                    + " values to Constraints.check, not " + components.size());
        }
        List<Violation> violations = new ArrayList<>();
        Map<String, Object> byName = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            ComponentSpec component = components.get(i);
            Object value = values[i];
            byName.put(component.name(), value);
            if (value == null) {
                if (!component.nullable()) {
                    violations.add(new Violation(component.name(), null, "must be set", component.allowed()));
                }
            } else {
                violations.addAll(component.check(value));
            }
        }
        if (violations.isEmpty() && spec.crossRule() != null) {
            spec.crossRule().check(path -> resolve(byName, path), violations);
        }
        if (!violations.isEmpty()) {
            throw new InvalidRecordException(type, violations);
        }
    }

    /** Follows a dotted path through maps, partial records and records; null if absent, INVALID if under an invalid value. */
    static Object resolve(Object root, String path) {
        Object current = root;
        for (String key : path.split("\\.")) {
            if (current == INVALID) {
                return INVALID;
            } else if (current instanceof Partial partial) {
                current = partial.values().get(key);
            } else if (current instanceof Map<?, ?> map) {
                current = map.get(key);
            } else if (current instanceof Record record) {
                current = RecordSpec.of(record.getClass()).read(record, key);
            } else {
                return null;
            }
        }
        return current;
    }
}
