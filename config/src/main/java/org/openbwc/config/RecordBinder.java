package org.openbwc.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds a parsed file to a configuration record, driven by the records' annotations, and collects every problem
 * instead of stopping at the first: a technician on site should fix a file in one pass.
 */
final class RecordBinder {

    private final ConfigFile file;
    private final List<ConfigProblem> problems = new ArrayList<>();

    private RecordBinder(ConfigFile file) {
        this.file = file;
    }

    /**
     * Binds the whole file to {@code type}.
     *
     * @throws ConfigException with all problems, in line order
     */
    static <R extends Record> R bind(ConfigFile file, Class<R> type) {
        RecordBinder binder = new RecordBinder(file);
        Object result = binder.bindRecord(RecordSpec.of(type), "", file.root(), Map.of());
        List<ConfigProblem> all = new ArrayList<>(file.problems());
        all.addAll(binder.problems);
        if (!all.isEmpty()) {
            all.sort(Comparator.comparingInt(ConfigProblem::line));
            throw new ConfigException(all);
        }
        return type.cast(result);
    }

    /** Returns the record, or a {@link Constraints.Partial} if anything in it is invalid (already reported). */
    private Object bindRecord(
            RecordSpec spec, String prefix, YamlNode.Mapping mapping, Map<String, Object> contextDefaults) {
        int problemsBefore = problems.size();
        if (mapping != null) {
            reportUnknownKeys(spec, prefix, mapping);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (ComponentSpec component : spec.components()) {
            YamlNode.Entry entry = mapping == null ? null : mapping.get(component.name());
            String path = prefix + component.name();
            values.put(
                    component.name(),
                    entry == null
                            ? absent(component, path, contextDefaults)
                            : present(component, path, entry, contextDefaults));
        }
        if (spec.crossRule() != null) {
            List<Violation> violations = new ArrayList<>();
            spec.crossRule().check(path -> Constraints.resolve(values, path), violations);
            violations.forEach(v -> report(prefix, v));
        }
        boolean incomplete =
                values.values().stream().anyMatch(v -> v == Constraints.INVALID || v instanceof Constraints.Partial);
        if (incomplete || problems.size() > problemsBefore) {
            return new Constraints.Partial(values);
        }
        try {
            return spec.construct(values.values().toArray());
        } catch (InvalidRecordException e) {
            // The checks above mirror the constructor's, so this only fires if a record adds a check of its own.
            e.violations().forEach(v -> report(prefix, v));
            return new Constraints.Partial(values);
        }
    }

    private Object absent(ComponentSpec component, String path, Map<String, Object> contextDefaults) {
        if (component.isRecord()) {
            return bindRecord(RecordSpec.of(component.type()), path + ".", null, component.sectionDefaults());
        }
        if (contextDefaults.containsKey(component.name())) {
            return contextDefaults.get(component.name());
        }
        if (component.hasDefault()) {
            return component.defaultValue();
        }
        if (component.nullable()) {
            return null;
        }
        problems.add(new ConfigProblem(
                file.path(), file.lineOf(path), path, null, "missing required key", component.allowed()));
        return Constraints.INVALID;
    }

    private Object present(
            ComponentSpec component, String path, YamlNode.Entry entry, Map<String, Object> contextDefaults) {
        YamlNode node = entry.value();
        int line = entry.line();
        if (node instanceof YamlNode.Scalar scalar && scalar.alias()) {
            problems.add(new ConfigProblem(
                    file.path(),
                    line,
                    path,
                    "*" + scalar.text(),
                    "is a YAML alias, which is not supported",
                    "the value written out"));
            return Constraints.INVALID;
        }
        if (component.isRecord()) {
            RecordSpec section = RecordSpec.of(component.type());
            if (node instanceof YamlNode.Mapping mapping) {
                return bindRecord(section, path + ".", mapping, component.sectionDefaults());
            }
            if (node instanceof YamlNode.Scalar scalar && scalar.isNull()) {
                // An empty section ("mqtt:" with everything below commented out) means "all defaults".
                return bindRecord(section, path + ".", null, component.sectionDefaults());
            }
            String value = node instanceof YamlNode.Scalar scalar ? scalar.text() : null;
            String problem = value != null ? "is not a mapping" : "expected a mapping, found " + node.kindName();
            problems.add(new ConfigProblem(file.path(), line, path, value, problem, component.allowed()));
            return Constraints.INVALID;
        }
        if (!(node instanceof YamlNode.Scalar scalar)) {
            problems.add(new ConfigProblem(
                    file.path(),
                    line,
                    path,
                    null,
                    "expected " + component.kindName() + ", found " + node.kindName(),
                    component.allowed()));
            return Constraints.INVALID;
        }
        if (scalar.isNull()) {
            if (component.nullable()) {
                return null;
            }
            Object fallback = contextDefaults.getOrDefault(component.name(), component.defaultValue());
            String problem = fallback == null && !component.hasDefault()
                    ? "has no value"
                    : "has no value; leave the key out to use the default "
                            + ConfigProblem.display(component.display(fallback));
            problems.add(new ConfigProblem(file.path(), line, path, null, problem, component.allowed()));
            return Constraints.INVALID;
        }
        ComponentSpec.Converted converted = component.convert(scalar);
        if (!converted.ok()) {
            problems.add(new ConfigProblem(
                    file.path(), line, path, scalar.text(), converted.problem(), component.allowed()));
            return Constraints.INVALID;
        }
        List<Violation> violations = component.check(converted.value());
        if (!violations.isEmpty()) {
            violations.forEach(v ->
                    problems.add(new ConfigProblem(file.path(), line, path, scalar.text(), v.problem(), v.allowed())));
            return Constraints.INVALID;
        }
        return component.narrow(converted.value());
    }

    private void reportUnknownKeys(RecordSpec spec, String prefix, YamlNode.Mapping mapping) {
        for (YamlNode.Entry entry : mapping.entries().values()) {
            String key = entry.key();
            if (spec.component(key) != null) {
                continue;
            }
            RejectedKey rejected = spec.rejectedKeys().get(key);
            if (rejected != null) {
                // The value is deliberately not shown: a rejected key is usually an inline secret.
                problems.add(new ConfigProblem(
                        file.path(), entry.line(), prefix + key, null, rejected.problem(), rejected.allowed()));
                continue;
            }
            String meant = suggestion(spec, key);
            problems.add(new ConfigProblem(
                    file.path(),
                    entry.line(),
                    prefix + key,
                    null,
                    meant == null ? "unknown key" : "unknown key, did you mean " + meant + "?",
                    String.join(", ", spec.names())));
        }
    }

    /** A sibling key close to the typo, or else a key of a nested section: the usual wrong-indentation mistake. */
    private static String suggestion(RecordSpec spec, String key) {
        String sibling = Spelling.closest(key, spec.names());
        if (sibling != null) {
            return sibling;
        }
        List<String> nested = new ArrayList<>();
        collectNestedPaths(spec, "", nested);
        return Spelling.closest(key, nested, path -> path.substring(path.lastIndexOf('.') + 1));
    }

    private static void collectNestedPaths(RecordSpec spec, String prefix, List<String> out) {
        for (ComponentSpec component : spec.components()) {
            if (component.isRecord()) {
                String sectionPrefix = prefix + component.name() + ".";
                RecordSpec section = RecordSpec.of(component.type());
                section.components().stream()
                        .filter(c -> !c.isRecord())
                        .forEach(c -> out.add(sectionPrefix + c.name()));
                collectNestedPaths(section, sectionPrefix, out);
            }
        }
    }

    /** Places a cross-key violation on the key the technician wrote, with the value as written there. */
    private void report(String prefix, Violation violation) {
        String path = prefix + violation.path();
        if (violation.related() != null && file.find(path) == null) {
            // When the clash is with a key the file leaves at its default, blame the key that was actually written.
            String leaf = violation.path().substring(violation.path().lastIndexOf('.') + 1);
            String writtenPath = prefix + violation.related() + "." + leaf;
            YamlNode.Entry written = file.find(writtenPath);
            if (written != null) {
                String owner = violation.path().contains(".")
                        ? violation.path().substring(0, violation.path().lastIndexOf('.'))
                        : violation.path();
                problems.add(new ConfigProblem(
                        file.path(),
                        written.line(),
                        writtenPath,
                        scalarText(written, violation.value()),
                        violation.problem() + " " + prefix + owner + " (its default)",
                        violation.allowed()));
                return;
            }
        }
        YamlNode.Entry entry = file.find(path);
        problems.add(new ConfigProblem(
                file.path(),
                file.lineOf(path),
                path,
                scalarText(entry, violation.value()),
                violation.problemWithin(prefix),
                violation.allowed()));
    }

    private static String scalarText(YamlNode.Entry entry, String fallback) {
        return entry != null && entry.value() instanceof YamlNode.Scalar scalar && !scalar.isNull()
                ? scalar.text()
                : fallback;
    }
}
