package org.openbwc.config;

import java.io.StringReader;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.openbwc.config.YamlNode.ScalarType;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingEndEvent;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.SequenceEndEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;
import org.yaml.snakeyaml.events.StreamEndEvent;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Turns YAML text into {@link YamlNode}s with line numbers by walking SnakeYAML's parse events, which (unlike a
 * composed node tree) lets us see repeated keys and where each key is, and never expands an alias.
 *
 * <p>Values are typed exactly as jackson-dataformat-yaml 2.19 typed them when it read these files, so a file keeps its
 * meaning: see {@link #scalarType}.
 */
final class YamlReader {

    // SnakeYAML's default (3 MiB), stated so it stays: a configuration file is a few KiB, and this bounds the work a
    // corrupt or hostile file can cause. Aliases are never expanded (we read events, not nodes), so no alias limit
    // applies.
    private static final int MAX_CODE_POINTS = 3 * 1024 * 1024;

    // The longest value a configuration holds is a URL list or a PEM path: far below this. A longer one is a corrupt
    // file or something pasted in by mistake, refused with its key and line before any slow parsing.
    static final int MAX_SCALAR_CHARS = 64 * 1024;

    // SnakeYAML's default nesting limit (LoaderOptions), which only its node composer applies, so we apply it here. A
    // configuration nests about 5 deep; this keeps readValue's recursion far inside a 256 KiB thread stack, where
    // Jackson's 1000 did not fit.
    private static final int MAX_DEPTH = 50;

    // YAML 1.1's rules for what an unquoted scalar is (null, bool, int, float, ...); read-only once constructed.
    private static final Resolver RESOLVER = new Resolver();

    private static final String YAML_TAG_PREFIX = "tag:yaml.org,2002:";

    /**
     * Outcome of parsing.
     *
     * @param root the document's top-level value, or null for an empty document
     * @param problems problems that do not stop binding, such as duplicate keys
     */
    record Result(YamlNode root, List<ConfigProblem> problems) {}

    private final Path file;
    private final ParserImpl parser;
    private final List<ConfigProblem> problems = new ArrayList<>();
    // A syntax error that has no position of its own is reported where this event ends, as Jackson did.
    private Event last;
    private boolean ended;
    private int depth;

    private YamlReader(Path file, ParserImpl parser) {
        this.file = file;
        this.parser = parser;
    }

    /**
     * Parses one YAML document.
     *
     * @param file only used to label problems
     * @throws ConfigException on a syntax error, which makes the rest of the file meaningless
     */
    static Result parse(Path file, String text) {
        refuseOverlongLines(file, text);
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CODE_POINTS);
        YamlReader reader = new YamlReader(file, new ParserImpl(new StreamReader(new StringReader(text)), options));
        try {
            Event first = reader.next();
            YamlNode root = first == null ? null : reader.readValue(first, "");
            Event next = reader.next();
            if (next != null) {
                reader.problems.add(ConfigProblem.ofFile(
                        file,
                        line(next.getStartMark()),
                        "a second YAML document starts here (after ---); a configuration file holds exactly one"));
            }
            return new Result(root, List.copyOf(reader.problems));
        } catch (YAMLException e) {
            throw new ConfigException(List.of(syntaxProblem(file, e, reader.last)));
        } catch (NumberFormatException e) {
            // SnakeYAML lets this escape on some malformed input, such as an oversized %YAML version.
            throw reader.syntaxError(String.format(
                    "Malformed Number token: failed to tokenize due to (%s): %s",
                    e.getClass().getName(), e.getMessage()));
        }
    }

    /** The next event that carries content; null at the end of the input. Document boundaries are skipped. */
    private Event next() {
        while (!ended) {
            Event event = parser.getEvent();
            if (event == null) {
                return null;
            }
            last = event;
            if (event instanceof StreamEndEvent) {
                ended = true;
            } else if (event instanceof ScalarEvent
                    || event instanceof AliasEvent
                    || event instanceof CollectionStartEvent
                    || event instanceof CollectionEndEvent) {
                return event;
            }
        }
        return null;
    }

    private YamlNode readValue(Event event, String path) {
        Objects.requireNonNull(event, "YAML parser ended inside a value");
        int line = line(event.getStartMark());
        if (event instanceof MappingStartEvent) {
            enter();
            Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
            Event keyEvent;
            while (!((keyEvent = next()) instanceof MappingEndEvent)) {
                if (!(keyEvent instanceof ScalarEvent keyScalar)) {
                    // A list, mapping or alias as a key; the message is the one Jackson gave.
                    throw syntaxError("Expected a field name (Scalar value in YAML), got this instead: " + keyEvent);
                }
                String key = keyScalar.getValue();
                int keyLine = line(keyScalar.getStartMark());
                String keyPath = path.isEmpty() ? key : path + "." + key;
                YamlNode value = readValue(next(), keyPath);
                YamlNode.Entry first = entries.get(key);
                if (first != null) {
                    problems.add(new ConfigProblem(
                            file, keyLine, keyPath, null, "duplicate key, already set on line " + first.line(), null));
                } else {
                    entries.put(key, new YamlNode.Entry(key, keyLine, value));
                }
            }
            depth--;
            return new YamlNode.Mapping(Collections.unmodifiableMap(entries), line);
        }
        if (event instanceof SequenceStartEvent) {
            enter();
            List<YamlNode> items = new ArrayList<>();
            Event item;
            while (!((item = next()) instanceof SequenceEndEvent)) {
                items.add(readValue(item, path + "[" + items.size() + "]"));
            }
            depth--;
            return new YamlNode.Sequence(List.copyOf(items), line);
        }
        if (event instanceof AliasEvent alias) {
            // The binder reports an alias where it is used.
            return new YamlNode.Scalar(ScalarType.STRING, alias.getAnchor(), line, true);
        }
        if (event instanceof ScalarEvent scalar) {
            if (scalar.getValue().length() > MAX_SCALAR_CHARS) {
                throw new ConfigException(
                        List.of(tooLong(file, line, path, scalar.getValue().length())));
            }
            return new YamlNode.Scalar(scalarType(scalar), scalar.getValue(), line, false);
        }
        // SnakeYAML only ends a collection it started, which the loops above consume.
        throw new IllegalStateException("YAML parser gave " + event + " where a value belongs in " + file);
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw syntaxError("values are nested more than " + MAX_DEPTH + " levels deep");
        }
    }

    /**
     * How jackson-dataformat-yaml 2.19 (YAMLParser._decodeScalar) typed a scalar, which is what these files have always
     * meant. Without a tag, SnakeYAML's YAML 1.1 resolver decides, and only for a plain scalar; a quoted one is text. So
     * an empty value, ~ and null are null; yes/no/on/off are booleans like true/false; 12, +12, 1_000, 0x1F, 0b101 and
     * (octal) 017 are whole numbers; 1.5, 1e3, .5, .inf and .nan are decimals. A sexagesimal 1:30 resolves as an int,
     * but Jackson made it text. An explicit !!int, !!float, !!bool, !!null or !!binary tag overrides the resolver; any
     * other tag leaves text.
     */
    private ScalarType scalarType(ScalarEvent scalar) {
        String value = scalar.getValue();
        String tag = scalar.getTag();
        if (tag == null || tag.equals("!")) {
            Tag resolved =
                    RESOLVER.resolve(NodeId.scalar, value, scalar.getImplicit().canOmitTagInPlainScalar());
            if (resolved.equals(Tag.INT)) {
                return integerType(value);
            }
            if (resolved.equals(Tag.FLOAT)) {
                return ScalarType.DECIMAL;
            }
            if (resolved.equals(Tag.BOOL)) {
                return booleanType(value);
            }
            return resolved.equals(Tag.NULL) ? ScalarType.NULL : ScalarType.STRING;
        }
        if (tag.startsWith(YAML_TAG_PREFIX)) {
            tag = tag.substring(YAML_TAG_PREFIX.length());
            if (tag.contains(",")) {
                String[] parts = tag.split(",");
                tag = parts.length == 0 ? "" : parts[0];
            }
        }
        return switch (tag) {
            case "binary" -> {
                // Jackson decoded it as MIME base64: four-character units, '=' padding required, white space between
                // units.
                if (!value.matches(
                        "(?:[\\x00-\\x20]*[A-Za-z0-9+/]{2}(?:==|[A-Za-z0-9+/]=|[A-Za-z0-9+/]{2}))*[\\x00-\\x20]*")) {
                    throw syntaxError("!!binary value is not base64");
                }
                yield ScalarType.BINARY;
            }
            case "bool" -> booleanType(value);
            case "int" -> value.isEmpty() ? ScalarType.STRING : integerType(value);
            case "float" -> value.isEmpty() ? ScalarType.STRING : ScalarType.DECIMAL;
            case "null" -> value.isEmpty() ? ScalarType.STRING : ScalarType.NULL;
            default -> ScalarType.STRING;
        };
    }

    /**
     * Jackson's boolean words: y, Y, n, N, and yes, no, on, off, true, false in any case. The resolver only passes it the
     * 18 YAML 1.1 spellings (true, True, TRUE, yes, ...); the other forms count only after an explicit !!bool.
     */
    private static ScalarType booleanType(String value) {
        if (value.equals("y") || value.equals("Y") || equalsAnyIgnoringCase(value, "yes", "on", "true")) {
            return ScalarType.TRUE;
        }
        if (value.equals("n") || value.equals("N") || equalsAnyIgnoringCase(value, "no", "off", "false")) {
            return ScalarType.FALSE;
        }
        return ScalarType.STRING;
    }

    private static boolean equalsAnyIgnoringCase(String value, String... words) {
        for (String word : words) {
            if (word.equalsIgnoreCase(value)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A resolved or !!int-tagged integer as Jackson took it: decimal digits and '_', or 0b/0x/octal after a leading 0,
     * each with an optional sign. Anything else, such as sexagesimal 1:30, is text.
     */
    private ScalarType integerType(String value) {
        int length = value.length();
        int i = value.charAt(0) == '-' || value.charAt(0) == '+' ? 1 : 0;
        if (i == length) {
            return ScalarType.STRING;
        }
        if (value.charAt(i) == '0') {
            if (++i == length) {
                return ScalarType.INTEGER;
            }
            char base = value.charAt(i);
            if (base == 'b' || base == 'B') {
                checkDigits(value.substring(i + 1), 2, 31, 63);
            } else if (base == 'x' || base == 'X') {
                checkDigits(value.substring(i + 1), 16, 7, 15);
            } else if (base == '_' || base >= '0' && base <= '9') {
                checkDigits(value.substring(i), 8, 10, 21);
            } else {
                return ScalarType.STRING;
            }
            return ScalarType.INTEGER;
        }
        for (int j = i; j < length; j++) {
            char c = value.charAt(j);
            if ((c < '0' || c > '9') && c != '_') {
                return ScalarType.STRING;
            }
        }
        String digits = value.substring(value.charAt(0) == '+' ? 1 : 0).replace("_", "");
        if (digits.isEmpty() || digits.equals("-")) {
            throw syntaxError(String.format("Invalid number ('%s')", value));
        }
        return ScalarType.INTEGER;
    }

    /**
     * Only an explicit !!int can fail here (the resolver passes valid digits only); the message is Jackson's, whose
     * parse by int, long or BigInteger by digit count decided its wording.
     */
    private void checkDigits(String text, int radix, int intDigits, int longDigits) {
        String digits = text.replace("_", "");
        try {
            if (digits.length() <= intDigits) {
                Integer.parseInt(digits, radix);
            } else if (digits.length() <= longDigits) {
                Long.parseLong(digits, radix);
            } else {
                new BigInteger(digits, radix);
            }
        } catch (NumberFormatException e) {
            throw syntaxError(
                    String.format("Invalid base-%d number ('%s'), problem: %s", radix, digits, e.getMessage()));
        }
    }

    /** A syntax error found by this reader, placed where Jackson placed its own: at the end of the last event. */
    private ConfigException syntaxError(String problem) {
        int line = last == null ? 0 : line(last.getEndMark());
        return new ConfigException(List.of(ConfigProblem.ofFile(file, line, "YAML syntax error: " + problem)));
    }

    private static ConfigProblem syntaxProblem(Path file, YAMLException e, Event last) {
        if (e instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            String problem = marked.getProblem();
            if (problem != null && problem.contains("(TAB)")) {
                problem = "a tab character is used for indentation; YAML allows only spaces";
            } else if (marked.getContext() != null && marked.getContextMark() != null) {
                problem += " " + marked.getContext() + " that starts on line "
                        + (marked.getContextMark().getLine() + 1);
            }
            return ConfigProblem.ofFile(file, marked.getProblemMark().getLine() + 1, "YAML syntax error: " + problem);
        }
        // No position of its own (e.g. the size limit): as Jackson did, the end of the last event read, else no line.
        int line = last == null ? 0 : line(last.getEndMark());
        return ConfigProblem.ofFile(file, line, "YAML syntax error: " + e.getMessage());
    }

    /**
     * A line longer than any value may be is refused at once, naming the key written at its start: parsing a value of
     * megabytes takes seconds, and SnakeYAML's own limit names neither key nor line. (A block scalar spread over many
     * short lines is caught while reading, with its key.)
     */
    private static void refuseOverlongLines(Path file, String text) {
        int lineNo = 1;
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) end = text.length();
            if (end - start > MAX_SCALAR_CHARS) {
                String head = text.substring(start, Math.min(end, start + 200));
                int colon = head.indexOf(':');
                String key = colon > 0 ? head.substring(0, colon).strip().replaceFirst("^- ", "") : null;
                if (key != null && !key.matches("[A-Za-z0-9_.-]{1,80}")) key = null;
                throw new ConfigException(List.of(tooLong(file, lineNo, key, end - start)));
            }
            lineNo++;
            start = end + 1;
        }
    }

    private static ConfigProblem tooLong(Path file, int line, String key, int chars) {
        return new ConfigProblem(
                file,
                line,
                key == null || key.isEmpty() ? null : key,
                null,
                "holds " + chars + " characters; a configuration value is at most " + MAX_SCALAR_CHARS
                        + " (a corrupt file, or a certificate or key pasted in where its file name belongs?)",
                null);
    }

    /** 1-based line of a mark; 0 (no line) when SnakeYAML gave none. */
    private static int line(Mark mark) {
        return mark == null ? 0 : mark.getLine() + 1;
    }
}
