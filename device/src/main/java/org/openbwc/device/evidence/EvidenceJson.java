package org.openbwc.device.evidence;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The JSON dialect of evidence files: ISO-8601 UTC instants, properties sorted by name, and the canonical form the
 * manifest signature covers.
 *
 * <p><b>Canonical bytes</b>: the manifest is parsed into a JSON tree, the top-level {@code signature} member is
 * removed, every object's members are sorted by name (String order; all names are ASCII), arrays keep their order,
 * and the tree is written by Jackson with no whitespace at all, in UTF-8 (strings escape only {@code "}, {@code \}
 * and control characters; numbers as Jackson writes a parsed value: integers in decimal, fractions as Java's
 * shortest round-trip {@code Double} text). Signer and verifier both go through parse-then-canonicalize, so the
 * layout of {@code manifest.json} on disk (indentation, member order) never matters.
 */
final class EvidenceJson {
    /** Journal lines: compact, one object per line, absent fields omitted. */
    static final ObjectMapper COMPACT = base().setSerializationInclusion(JsonInclude.Include.NON_NULL);
    /** manifest.json as people read it: indented, every field present. */
    static final ObjectMapper PRETTY = base().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper CANONICAL = base();

    private EvidenceJson() {}

    private static ObjectMapper base() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .build();
    }

    /** The bytes a manifest signature covers (see the class comment). */
    static byte[] canonicalWithoutSignature(JsonNode manifest) {
        if (!(manifest instanceof ObjectNode object)) throw new IllegalArgumentException("a manifest must be a JSON object");
        ObjectNode copy = object.deepCopy();
        copy.remove("signature");
        try {
            return CANONICAL.writeValueAsBytes(sorted(copy));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write canonical JSON", e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) names.add(it.next());
            names.sort(null);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (String name : names) out.set(name, sorted(object.get(name)));
            return out;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (JsonNode element : array) out.add(sorted(element));
            return out;
        }
        return node;
    }

    /** Names of the top-level members whose values differ between two manifests, in sorted order. */
    static List<String> differingFields(JsonNode a, JsonNode b, List<String> ignored) {
        List<String> names = new ArrayList<>();
        a.fieldNames().forEachRemaining(names::add);
        b.fieldNames().forEachRemaining(n -> { if (!a.has(n)) names.add(n); });
        names.sort(null);
        List<String> differing = new ArrayList<>();
        for (String name : names) {
            if (ignored.contains(name)) continue;
            JsonNode x = a.get(name);
            JsonNode y = b.get(name);
            if (x == null || y == null || !sameValue(x, y)) differing.add(name);
        }
        return differing;
    }

    private static boolean sameValue(JsonNode x, JsonNode y) {
        if (x.isNumber() && y.isNumber()) return x.decimalValue().compareTo(y.decimalValue()) == 0;
        if (x.isObject() && y.isObject()) {
            if (x.size() != y.size()) return false;
            for (Map.Entry<String, JsonNode> e : x.properties()) {
                JsonNode other = y.get(e.getKey());
                if (other == null || !sameValue(e.getValue(), other)) return false;
            }
            return true;
        }
        if (x.isArray() && y.isArray()) {
            if (x.size() != y.size()) return false;
            for (int i = 0; i < x.size(); i++) if (!sameValue(x.get(i), y.get(i))) return false;
            return true;
        }
        return x.equals(y);
    }
}
