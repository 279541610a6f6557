package org.openbwc.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Turns YAML text into {@link YamlNode}s with line numbers by walking the parser's tokens, which (unlike a databind
 * tree) lets us see repeated keys and where each key is.
 */
final class YamlReader {

  // Explicit, because YAMLFactory.builder() leaves this off while new YAMLFactory() turns it on: "key:" with nothing
  // after it must read as null (an empty section), not as empty text.
  private static final YAMLFactory FACTORY =
      YAMLFactory.builder().enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();

  /**
   * Outcome of parsing.
   *
   * @param root the document's top-level value, or null for an empty document
   * @param problems problems that do not stop binding, such as duplicate keys
   */
  record Result(YamlNode root, List<ConfigProblem> problems) {}

  private final Path file;
  private final YAMLParser parser;
  private final List<ConfigProblem> problems = new ArrayList<>();

  private YamlReader(Path file, YAMLParser parser) {
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
    try (YAMLParser parser = FACTORY.createParser(text)) {
      YamlReader reader = new YamlReader(file, parser);
      JsonToken first = parser.nextToken();
      YamlNode root = first == null ? null : reader.readValue(first, "");
      JsonToken next = parser.nextToken();
      if (next != null) {
        reader.problems.add(
            ConfigProblem.ofFile(
                file,
                parser.currentTokenLocation().getLineNr(),
                "a second YAML document starts here (after ---); a configuration file holds exactly one"));
      }
      return new Result(root, List.copyOf(reader.problems));
    } catch (JsonProcessingException e) {
      throw new ConfigException(List.of(syntaxProblem(file, e)));
    } catch (IOException e) {
      // Parsing an in-memory string performs no I/O, so this means the parser itself broke.
      throw new IllegalStateException("YAML parser failed on " + file, e);
    }
  }

  private YamlNode readValue(JsonToken token, String path) throws IOException {
    Objects.requireNonNull(token, "YAML parser ended inside a value");
    int line = parser.currentTokenLocation().getLineNr();
    switch (token) {
      case START_OBJECT -> {
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          int keyLine = parser.currentTokenLocation().getLineNr();
          String keyPath = path.isEmpty() ? key : path + "." + key;
          YamlNode value = readValue(parser.nextToken(), keyPath);
          YamlNode.Entry first = entries.get(key);
          if (first != null) {
            problems.add(
                new ConfigProblem(
                    file, keyLine, keyPath, null, "duplicate key, already set on line " + first.line(), null));
          } else {
            entries.put(key, new YamlNode.Entry(key, keyLine, value));
          }
        }
        return new YamlNode.Mapping(Collections.unmodifiableMap(entries), line);
      }
      case START_ARRAY -> {
        List<YamlNode> items = new ArrayList<>();
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
          items.add(readValue(item, path + "[" + items.size() + "]"));
        }
        return new YamlNode.Sequence(List.copyOf(items), line);
      }
      default -> {
        // An alias arrives as a string holding the anchor's name; the binder reports it where it is used.
        return new YamlNode.Scalar(token, parser.getText(), line, parser.isCurrentAlias());
      }
    }
  }

  private static ConfigProblem syntaxProblem(Path file, JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
      String problem = marked.getProblem();
      if (problem != null && problem.contains("(TAB)")) {
        problem = "a tab character is used for indentation; YAML allows only spaces";
      } else if (marked.getContext() != null && marked.getContextMark() != null) {
        problem += " " + marked.getContext() + " that starts on line " + (marked.getContextMark().getLine() + 1);
      }
      return ConfigProblem.ofFile(file, marked.getProblemMark().getLine() + 1, "YAML syntax error: " + problem);
    }
    int line = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getLineNr());
    return ConfigProblem.ofFile(file, line, "YAML syntax error: " + e.getOriginalMessage());
  }
}
