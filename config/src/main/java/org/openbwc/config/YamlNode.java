package org.openbwc.config;

import com.fasterxml.jackson.core.JsonToken;
import java.util.List;
import java.util.Map;

/** A parsed YAML value that remembers the line it came from, so every problem can point at it. */
sealed interface YamlNode {

  /** 1-based line where the value starts. */
  int line();

  /** What kind of YAML value this is, for "expected ..., found a list" messages. */
  String kindName();

  /**
   * A scalar as the parser typed it.
   *
   * @param token the parser's type: a number, string, boolean or null token
   * @param text the text as written (without quotes)
   * @param alias true when the scalar is a YAML alias such as {@code *name} (text is then the anchor name), which is
   *     not supported
   */
  record Scalar(JsonToken token, String text, int line, boolean alias) implements YamlNode {
    boolean isNull() {
      return token == JsonToken.VALUE_NULL;
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
