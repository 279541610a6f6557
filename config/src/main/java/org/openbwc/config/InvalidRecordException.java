package org.openbwc.config;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown by a config record's constructor for bad values; keeps the violations so the YAML binder can place them. */
final class InvalidRecordException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<Violation> violations;

    InvalidRecordException(Class<?> type, List<Violation> violations) {
        super(message(type, violations));
        this.violations = List.copyOf(violations);
    }

    List<Violation> violations() {
        return violations;
    }

    private static String message(Class<?> type, List<Violation> violations) {
        String prefix = type.getSimpleName() + ".";
        return violations.stream()
                .map(v -> {
                    StringBuilder text =
                            new StringBuilder(prefix).append(v.path()).append(':');
                    if (v.value() != null) {
                        text.append(' ').append(ConfigProblem.display(v.value()));
                    }
                    text.append(' ').append(v.problemWithin(""));
                    if (v.allowed() != null) {
                        text.append(" (allowed: ").append(v.allowed()).append(')');
                    }
                    return text.toString();
                })
                .collect(Collectors.joining("; "));
    }
}
