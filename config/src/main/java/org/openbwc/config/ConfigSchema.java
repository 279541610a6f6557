package org.openbwc.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * JSON Schemas (draft 2020-12) of the configuration files, generated from the records' annotations so editors can
 * complete and check files with exactly the rules the loader applies.
 */
public final class ConfigSchema {

    private static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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
        ObjectNode schema = JSON.createObjectNode();
        schema.put("$schema", DIALECT);
        schema.put("title", title);
        schema.put("description", description);
        schema.setAll(objectSchema(RecordSpec.of(type), Map.of()));
        try {
            return JSON.writeValueAsString(schema) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the schema of " + type.getSimpleName(), e);
        }
    }

    private static ObjectNode objectSchema(RecordSpec spec, Map<String, Object> contextDefaults) {
        ObjectNode schema = JSON.createObjectNode();
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = JSON.createArrayNode();
        for (ComponentSpec component : spec.components()) {
            boolean hasDefault = component.hasDefault() || contextDefaults.containsKey(component.name());
            Object defaultValue = contextDefaults.getOrDefault(component.name(), component.defaultValue());
            properties.set(component.name(), property(component, hasDefault, defaultValue));
            if (!component.isRecord() && !hasDefault && !component.nullable()) {
                required.add(component.name());
            }
        }
        schema.put("additionalProperties", false);
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        return schema;
    }

    private static ObjectNode property(ComponentSpec component, boolean hasDefault, Object defaultValue) {
        if (component.isRecord()) {
            ObjectNode section = JSON.createObjectNode();
            section.put("description", component.doc());
            section.setAll(objectSchema(RecordSpec.of(component.type()), component.sectionDefaults()));
            return section;
        }
        ObjectNode property = JSON.createObjectNode();
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
            ArrayNode choices = property.putArray("enum");
            component.choices().forEach(choices::add);
        } else {
            if (component.nullable()) {
                property.putArray("type").add("string").add("null");
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
            property.set("default", JSON.valueToTree(jsonValue(defaultValue)));
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
