package org.openbwc.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** A configuration file read into YAML values with line numbers, before it is bound to a record. */
public final class ConfigFile {

    /** Which kind of configuration a file holds, decided by its top-level id key. */
    public enum Kind {
        /** A camera unit: the top level has {@code unitId}. */
        UNIT,
        /** A gateway: the top level has {@code gatewayId}. */
        GATEWAY
    }

    private static final String EXPECTED_TOP_LEVEL =
            "a YAML mapping of keys, starting with unitId: for a unit or gatewayId: for a gateway";

    private final Path path;
    private final YamlNode.Mapping root;
    private final List<ConfigProblem> problems;

    private ConfigFile(Path path, YamlNode.Mapping root, List<ConfigProblem> problems) {
        this.path = path;
        this.root = root;
        this.problems = problems;
    }

    /** The file as it was given. */
    Path path() {
        return path;
    }

    /**
     * Tells a unit file from a gateway file.
     *
     * @throws ConfigException if the top level has neither or both id keys
     */
    Kind kind() {
        YamlNode.Entry unit = root.get("unitId");
        YamlNode.Entry gateway = root.get("gatewayId");
        if (unit != null && gateway != null) {
            throw new ConfigException(List.of(new ConfigProblem(
                    path,
                    gateway.line(),
                    "gatewayId",
                    null,
                    "cannot be combined with unitId (line " + unit.line() + ")",
                    "one file configures either one unit or one gateway")));
        }
        if (unit != null) {
            return Kind.UNIT;
        }
        if (gateway != null) {
            return Kind.GATEWAY;
        }
        throw new ConfigException(List.of(new ConfigProblem(
                path,
                0,
                null,
                null,
                "has neither unitId nor gatewayId at the top level, so it is neither a unit nor a gateway file",
                "unitId: for a unit, gatewayId: for a gateway")));
    }

    /**
     * Reads and parses a file.
     *
     * @throws ConfigException if the file is missing, unreadable, not YAML, empty or not a mapping at the top level
     */
    static ConfigFile read(Path path) {
        String text = readText(path);
        YamlReader.Result result = YamlReader.parse(path, text);
        YamlNode root = result.root();
        if (root == null || root instanceof YamlNode.Scalar scalar && scalar.isNull()) {
            throw new ConfigException(List.of(new ConfigProblem(path, 0, null, null, "is empty", EXPECTED_TOP_LEVEL)));
        }
        if (!(root instanceof YamlNode.Mapping mapping)) {
            throw new ConfigException(List.of(new ConfigProblem(
                    path,
                    root.line(),
                    null,
                    null,
                    "has " + root.kindName() + " at the top level, not a mapping of keys",
                    EXPECTED_TOP_LEVEL)));
        }
        return new ConfigFile(path, mapping, result.problems());
    }

    /** Top-level mapping. */
    YamlNode.Mapping root() {
        return root;
    }

    /** Problems found while reading that do not stop binding, such as duplicate keys. */
    List<ConfigProblem> problems() {
        return problems;
    }

    /** The entry at a dotted key path, or null if the file does not set it. */
    YamlNode.Entry find(String dottedPath) {
        YamlNode.Mapping mapping = root;
        YamlNode.Entry entry = null;
        for (String key : dottedPath.split("\\.")) {
            if (mapping == null) {
                return null;
            }
            entry = mapping.get(key);
            if (entry == null) {
                return null;
            }
            mapping = entry.value() instanceof YamlNode.Mapping child ? child : null;
        }
        return entry;
    }

    /**
     * Line of a dotted key path, or of its nearest ancestor that the file sets, so a problem about a key the file leaves
     * out still points at the section it belongs in; 0 if not even the top-level section is in the file.
     */
    int lineOf(String dottedPath) {
        String path = dottedPath;
        while (true) {
            YamlNode.Entry entry = find(path);
            if (entry != null) {
                return entry.line();
            }
            int dot = path.lastIndexOf('.');
            if (dot < 0) {
                return 0;
            }
            path = path.substring(0, dot);
        }
    }

    private static String readText(Path path) {
        if (Files.isDirectory(path)) {
            throw fileProblem(path, "is a directory, not a configuration file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw fileProblem(
                    path,
                    path.isAbsolute() ? "does not exist" : "does not exist (looked for " + path.toAbsolutePath() + ")");
        } catch (AccessDeniedException e) {
            throw fileProblem(path, "cannot be read: permission denied");
        } catch (IOException e) {
            throw fileProblem(path, "cannot be read: " + e.getMessage());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw fileProblem(path, "is not UTF-8 text; save it as UTF-8");
        }
        // Windows editors like to start files with a byte order mark, which is not part of the YAML.
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static ConfigException fileProblem(Path path, String problem) {
        return new ConfigException(List.of(ConfigProblem.ofFile(path, 0, problem)));
    }
}
