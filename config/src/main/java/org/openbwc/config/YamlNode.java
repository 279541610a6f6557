package org.openbwc.config;

import java.util.List;
import java.util.Map;

/** A parsed YAML value that remembers the line it came from, so every problem can point at it. */
sealed interface YamlNode {

    /** 1-based line where the value starts. */
    int line();

    /** What kind of YAML value this is, for "expected ..., found a list" messages. */
    String kindName();

    /**
     * How the parser typed a scalar. Only unquoted scalars (and explicitly tagged ones) get a type other than
     * {@link #STRING}, so {@code "123"} stays text and a number key can say the quotes are the problem.
     */
    enum ScalarType {
        STRING,
        INTEGER,
        DECIMAL,
        TRUE,
        FALSE,
        NULL,
        /** A {@code !!binary} value; only a text key accepts it, as written. */
        BINARY
    }

    /**
     * A scalar as the parser typed it.
     *
     * @param type the parser's type: a number, string, boolean or null
     * @param text the text as written (without quotes)
     * @param alias true when the scalar is a YAML alias such as {@code *name} (text is then the anchor name), which is
     *     not supported
     */
    record Scalar(ScalarType type, String text, int line, boolean alias) implements YamlNode {
        boolean isNull() {
            return type == ScalarType.NULL;
        }

        @Override
        public String kindName() {
            return "a single value";
        }
    }

    /** A YAML list. */
    record Sequence(List<YamlNode> items, int line) implements YamlNode {
        @Override
        public String kindName() {
            return "a list";
        }
    }

    /** A YAML mapping in file order; a repeated key keeps its first value (the repeat is reported separately). */
    record Mapping(Map<String, Entry> entries, int line) implements YamlNode {
        Entry get(String key) {
            return entries.get(key);
        }

        @Override
        public String kindName() {
            return "a mapping";
        }
    }

    /** One key of a mapping with the line of the key itself. */
    record Entry(String key, int line, YamlNode value) {}
}
