package org.openbwc.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.openbwc.json.JsonWriter;

/**
 * JSON Schemas (draft 2020-12) of the configuration files, generated from the records' annotations so editors can
 * complete and check files with exactly the rules the loader applies. Written with the project's own {@link JsonWriter}
 * (in the layout Jackson gave them), so the configuration, which every unit loads, needs no JSON library.
 */
public final class ConfigSchema {

    private static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

    private ConfigSchema() {}

    /** Schema of a unit file, as pretty-printed JSON. */
    public static String unit() {
        return render(UnitConfig.class, "openbwc unit configuration", "Configuration of one body-worn camera unit.");
    }

    /** Schema of a gateway file, as pretty-printed JSON. */
    public static String gateway() {
        return render(GatewayConfig.class, "openbwc gateway configuration", "Configuration of one gateway.");
    }

    private static String render(Class<?> type, String title, String description) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("$schema", DIALECT);
        schema.put("title", title);
        schema.put("description", description);
        schema.putAll(objectSchema(RecordSpec.of(type), Map.of()));
        return JsonWriter.spaced(schema);
    }

    private static Map<String, Object> objectSchema(RecordSpec spec, Map<String, Object> contextDefaults) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        Map<String, Object> properties = new LinkedHashMap<>();
        schema.put("properties", properties);
        List<String> required = new ArrayList<>();
        for (ComponentSpec component : spec.components()) {
            boolean hasDefault = component.hasDefault() || contextDefaults.containsKey(component.name());
            Object defaultValue = contextDefaults.getOrDefault(component.name(), component.defaultValue());
            properties.put(component.name(), property(component, hasDefault, defaultValue));
            if (!component.isRecord() && !hasDefault && !component.nullable()) {
                required.add(component.name());
            }
        }
        schema.put("additionalProperties", false);
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        return schema;
    }

    private static Map<String, Object> property(ComponentSpec component, boolean hasDefault, Object defaultValue) {
        if (component.isRecord()) {
            Map<String, Object> section = new LinkedHashMap<>();
            section.put("description", component.doc());
            section.putAll(objectSchema(RecordSpec.of(component.type()), component.sectionDefaults()));
            return section;
        }
        Map<String, Object> property = new LinkedHashMap<>();
        Class<?> type = component.type();
        if (type == int.class || type == long.class) {
            property.put("type", "integer");
            if (component.intRange() != null) {
                property.put("minimum", component.minimum());
                property.put("maximum", component.maximum());
            }
        } else if (type == double.class) {
            property.put("type", "number");
            if (component.decimalRange() != null) {
                property.put("minimum", component.decimalRange().min());
                property.put("maximum", component.decimalRange().max());
            }
        } else if (type == boolean.class) {
            property.put("type", "boolean");
        } else if (component.isEnum()) {
            property.put("type", "string");
            property.put("enum", List.copyOf(component.choices()));
        } else {
            if (component.nullable()) {
                property.put("type", List.of("string", "null"));
            } else {
                property.put("type", "string");
            }
            if (component.textLength() != null) {
                property.put("minLength", component.textLength().min());
                property.put("maxLength", component.textLength().max());
            }
            if (component.pattern() != null) {
                property.put("pattern", "^(?:" + component.pattern().regex() + ")$");
            }
            if (component.urlSchemes() != null) {
                property.put("pattern", urlPattern(component.urlSchemes()));
            }
        }
        property.put("description", description(component, hasDefault, defaultValue));
        if (hasDefault) {
            property.put("default", jsonValue(defaultValue));
        }
        return property;
    }

    private static String description(ComponentSpec component, boolean hasDefault, Object defaultValue) {
        StringBuilder text = new StringBuilder(component.doc());
        if (component.unit() != null) {
            text.append(" Unit: ").append(component.unit()).append('.');
        }
        if (!hasDefault && !component.nullable()) {
            text.append(" Required.");
        }
        if (hasDefault) {
            text.append(" Default: ")
                    .append(ConfigProblem.display(component.display(defaultValue)))
                    .append('.');
        }
        String allowed = component.allowed();
        if (allowed != null) {
            text.append(" Allowed: ").append(allowed).append('.');
        }
        if (component.nullable()) {
            text.append(" Leave it out to ").append(component.nullMeans()).append('.');
        }
        return text.toString();
    }

    private static Object jsonValue(Object value) {
        return value instanceof Enum<?> constant ? ComponentSpec.yamlName(constant) : value;
    }

    /** The URL rule as a regex, so editors flag what {@link ComponentSpec} would reject: scheme, host and port. */
    private static String urlPattern(UrlSchemes schemes) {
        String alternatives = Arrays.stream(schemes.value()).collect(Collectors.joining("|"));
        return "^(?:" + alternatives + ")://(?:\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}(?:/\\S*)?$";
    }
}
