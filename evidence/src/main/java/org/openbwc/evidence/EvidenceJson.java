package org.openbwc.evidence;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.openbwc.json.JsonBinder;
import org.openbwc.json.JsonException;
import org.openbwc.json.JsonReader;
import org.openbwc.json.JsonWriter;

/**
 * The JSON dialect of evidence files: ISO-8601 UTC instants, journal lines tagged with their {@code type}, and the
 * canonical form the manifest signature covers.
 *
 * <p><b>Canonical bytes</b>: the manifest is parsed into a JSON tree, the top-level {@code signature} member is
 * removed, every object's members are sorted by name (String order; all names are ASCII), arrays keep their order,
 * and the tree is written with no whitespace at all, in UTF-8 (strings escape only {@code "}, {@code \} and control
 * characters; whole numbers in decimal, fractions as Java's shortest round-trip {@code Double} text). This is byte
 * for byte what the Jackson-based writer of earlier versions produced ({@code EvidenceJsonTest} checks it against
 * Jackson), so recordings sealed before still verify. Signer and verifier both go through parse-then-canonicalize,
 * so the layout of {@code manifest.json} on disk (indentation, member order) never matters.
 */
public final class EvidenceJson {
    /** Journal entry types by their {@code type} tag, in the order they were introduced. */
    private static final Map<String, Class<? extends JournalEntry>> ENTRY_TYPES = new LinkedHashMap<>();

    static {
        ENTRY_TYPES.put("open", JournalEntry.Opened.class);
        ENTRY_TYPES.put("init", JournalEntry.InitWritten.class);
        ENTRY_TYPES.put("fragment", JournalEntry.FragmentWritten.class);
        ENTRY_TYPES.put("segment", JournalEntry.SegmentSealed.class);
        ENTRY_TYPES.put("marker", JournalEntry.MarkerAdded.class);
        ENTRY_TYPES.put("location", JournalEntry.LocationAdded.class);
        ENTRY_TYPES.put("gap", JournalEntry.Gap.class);
        ENTRY_TYPES.put("close", JournalEntry.Closed.class);
    }

    private EvidenceJson() {}

    /** One journal line's JSON (without the newline): compact, the type tag first, absent fields left out. */
    public static byte[] journalEntry(JournalEntry entry) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", typeOf(entry));
        @SuppressWarnings("unchecked")
        Map<String, Object> members = (Map<String, Object>) JsonBinder.toPlainWithoutNulls(entry);
        line.putAll(members);
        return JsonWriter.compact(line);
    }

    /** One journal line as it goes into {@code journal.jsonl}: {@link #journalEntry} and its newline. */
    public static byte[] journalLine(JournalEntry entry) {
        byte[] json = journalEntry(entry);
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        return line;
    }

    /** Reads one journal line; a line that is not a known entry throws {@link JsonException} saying why. */
    public static JournalEntry readJournalEntry(byte[] line) {
        if (!(JsonReader.parse(line) instanceof Map<?, ?> members))
            throw new JsonException("a journal entry must be a JSON object");
        if (!(members.get("type") instanceof String type)) throw new JsonException("a journal entry needs a 'type'");
        Class<? extends JournalEntry> kind = ENTRY_TYPES.get(type);
        if (kind == null) throw new JsonException("unknown journal entry type '" + type + "'");
        return JsonBinder.bind(members, kind);
    }

    private static String typeOf(JournalEntry entry) {
        for (Map.Entry<String, Class<? extends JournalEntry>> e : ENTRY_TYPES.entrySet()) {
            if (e.getValue() == entry.getClass()) return e.getKey();
        }
        throw new IllegalArgumentException(
                "no journal type tag for " + entry.getClass().getName());
    }

    /** manifest.json as people read it: indented, every field present. */
    public static byte[] manifestFile(RecordingManifest manifest) {
        return JsonWriter.pretty(tree(manifest)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A manifest as a JSON tree, for comparing with one read from a file. A plaintext recording's tree has no
     * {@code encryption} member at all, so its canonical bytes are what they were before encryption existed.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> tree(RecordingManifest manifest) {
        Map<String, Object> tree = (Map<String, Object>) JsonBinder.toPlain(manifest);
        if (manifest.encryption() == null) tree.remove("encryption");
        return tree;
    }

    /** Parses manifest.json into a tree; throws {@link JsonException} naming the line and column of bad JSON. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readTree(byte[] json) {
        if (!(JsonReader.parse(json) instanceof Map<?, ?> members))
            throw new JsonException("a manifest must be a JSON object");
        return (Map<String, Object>) members;
    }

    /** Binds a parsed manifest tree; throws {@link JsonException} naming the field that does not fit. */
    public static RecordingManifest manifest(Map<String, Object> tree) {
        return JsonBinder.bind(tree, RecordingManifest.class);
    }

    /** The bytes a manifest signature covers (see the class comment). */
    public static byte[] canonicalWithoutSignature(Map<String, Object> manifest) {
        Map<String, Object> copy = new LinkedHashMap<>(manifest);
        copy.remove("signature");
        return JsonWriter.compact(sorted(copy));
    }

    private static Object sorted(Object node) {
        if (node instanceof Map<?, ?> object) {
            Map<String, Object> out = new TreeMap<>();
            for (Map.Entry<?, ?> e : object.entrySet()) out.put((String) e.getKey(), sorted(e.getValue()));
            return out;
        }
        if (node instanceof List<?> array) {
            List<Object> out = new ArrayList<>(array.size());
            for (Object element : array) out.add(sorted(element));
            return out;
        }
        return node;
    }

    /** Names of the top-level members whose values differ between two manifests, in sorted order. */
    public static List<String> differingFields(Map<String, Object> a, Map<String, Object> b, List<String> ignored) {
        TreeSet<String> names = new TreeSet<>(a.keySet());
        names.addAll(b.keySet());
        List<String> differing = new ArrayList<>();
        for (String name : names) {
            if (ignored.contains(name)) continue;
            if (!a.containsKey(name) || !b.containsKey(name) || !sameValue(a.get(name), b.get(name)))
                differing.add(name);
        }
        return differing;
    }

    private static boolean sameValue(Object x, Object y) {
        if (x instanceof Number m && y instanceof Number n) return decimal(m).compareTo(decimal(n)) == 0;
        if (x instanceof Map<?, ?> p && y instanceof Map<?, ?> q) {
            if (p.size() != q.size()) return false;
            for (Map.Entry<?, ?> e : p.entrySet()) {
                if (!q.containsKey(e.getKey()) || !sameValue(e.getValue(), q.get(e.getKey()))) return false;
            }
            return true;
        }
        if (x instanceof List<?> p && y instanceof List<?> q) {
            if (p.size() != q.size()) return false;
            for (int i = 0; i < p.size(); i++) if (!sameValue(p.get(i), q.get(i))) return false;
            return true;
        }
        return x == null ? y == null : x.equals(y);
    }

    private static BigDecimal decimal(Number n) {
        if (n instanceof BigInteger b) return new BigDecimal(b);
        if (n instanceof Double || n instanceof Float) return new BigDecimal(n.toString());
        return BigDecimal.valueOf(n.longValue());
    }
}
