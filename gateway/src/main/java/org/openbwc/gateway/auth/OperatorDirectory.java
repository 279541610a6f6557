package org.openbwc.gateway.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.tinylog.Logger;

/**
 * The operators' accounts file (YAML, bcrypt hashes, mode 600), read by the gateway and written by
 * {@code bwc gateway user}. The gateway re-reads it when it changes, so an account added or removed on the server
 * takes effect at the next request; a file broken by hand keeps the last good accounts and logs why.
 */
public final class OperatorDirectory {

    private static final String HEADER =
            "# openbwc monitoring-room operators. Managed with `bwc gateway user add|remove|list` and the admin page;\n"
                    + "# passwords are bcrypt hashes, never stored in plain text. Keep this file readable by the gateway only.\n";

    private final Path file;
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    private Map<String, Operator> operators = Map.of();
    private FileTime loadedStamp;
    private long loadedSize = -1;

    private OperatorDirectory(Path file) {
        this.file = file;
    }

    /**
     * Opens the accounts file; a missing file means no accounts yet.
     *
     * @throws IllegalArgumentException naming the file, the entry and the problem when the file is unreadable
     */
    public static OperatorDirectory open(Path file) {
        OperatorDirectory d = new OperatorDirectory(file);
        d.operators = d.read();
        return d;
    }

    public Path file() {
        return file;
    }

    /** The account with this name, from the file as it is now. */
    public synchronized Optional<Operator> find(String name) {
        refresh();
        return Optional.ofNullable(operators.get(name));
    }

    /** Every account, sorted by name. */
    public synchronized List<Operator> all() {
        refresh();
        List<Operator> list = new ArrayList<>(operators.values());
        list.sort(Comparator.comparing(Operator::name));
        return list;
    }

    /**
     * Adds an account and writes the file.
     *
     * @throws IllegalArgumentException when the name is taken (unless {@code replace})
     */
    public synchronized void add(Operator operator, boolean replace) {
        Map<String, Operator> next = new LinkedHashMap<>(read());
        Operator old = next.get(operator.name());
        if (old != null && !replace) {
            throw new IllegalArgumentException("user '" + operator.name() + "' already exists in " + file
                    + "; remove it first or use --replace to set a new password and role");
        }
        if (old != null && old.sessionsFrom() != null && operator.sessionsFrom() == null) {
            // Sessions a disable or a password reset ended stay ended when the account is set anew.
            operator = new Operator(
                    operator.name(),
                    operator.role(),
                    operator.passwordHash(),
                    operator.created(),
                    operator.disabled(),
                    old.sessionsFrom());
        }
        next.put(operator.name(), operator);
        write(next);
    }

    /**
     * Adds an account unless its name is taken, and writes the file.
     *
     * @return false (and nothing written) when the name is taken
     */
    public synchronized boolean addIfAbsent(Operator operator) {
        Map<String, Operator> next = new LinkedHashMap<>(read());
        if (next.putIfAbsent(operator.name(), operator) != null) return false;
        write(next);
        return true;
    }

    /**
     * Changes one account and writes the file, as one step, so two admins cannot together remove the last admin.
     *
     * @return the account as changed, or empty when there is no such account
     * @throws IllegalStateException when the change would leave no enabled admin account
     */
    public synchronized Optional<Operator> update(String name, UnaryOperator<Operator> change) {
        Map<String, Operator> next = new LinkedHashMap<>(read());
        Operator before = next.get(name);
        if (before == null) return Optional.empty();
        Operator after = change.apply(before);
        if (!after.name().equals(name)) throw new IllegalArgumentException("an update cannot rename " + name);
        boolean hadAdmin = next.values().stream().anyMatch(OperatorDirectory::enabledAdmin);
        next.put(name, after);
        if (hadAdmin && next.values().stream().noneMatch(OperatorDirectory::enabledAdmin)) {
            throw new IllegalStateException("this would leave no enabled admin account; make another operator admin"
                    + " first, so that someone can still manage operators");
        }
        write(next);
        return Optional.of(after);
    }

    private static boolean enabledAdmin(Operator op) {
        return op.role() == Role.ADMIN && !op.disabled();
    }

    /** @return false when there was no such account */
    public synchronized boolean remove(String name) {
        Map<String, Operator> next = new LinkedHashMap<>(read());
        if (next.remove(name) == null) return false;
        write(next);
        return true;
    }

    private void refresh() {
        try {
            FileTime stamp = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
            long size = stamp == null ? -1 : Files.size(file);
            if (Objects.equals(stamp, loadedStamp) && size == loadedSize) return;
            operators = read();
            Logger.info("Operator accounts reloaded from {}: {} accounts", file, operators.size());
        } catch (IOException | RuntimeException e) {
            Logger.error(
                    "Operator accounts file {} could not be re-read, keeping the previous {} accounts: {}",
                    file,
                    operators.size(),
                    e.getMessage());
            // Do not retry on every request until the file changes again.
            refreshStampQuietly();
        }
    }

    private Map<String, Operator> read() {
        Map<String, Operator> result = new LinkedHashMap<>();
        String text;
        try {
            FileTime stamp = Files.getLastModifiedTime(file);
            text = Files.readString(file, StandardCharsets.UTF_8);
            loadedStamp = stamp;
            loadedSize = Files.size(file);
        } catch (NoSuchFileException e) {
            loadedStamp = null;
            loadedSize = -1;
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the operator accounts file " + file, e);
        }
        JsonNode root;
        try {
            root = yaml.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null
                            ? ""
                            : " (line " + e.getLocation().getLineNr() + ")"));
        }
        if (root == null || root.isMissingNode() || root.isNull()) return result;
        JsonNode users = root.get("users");
        if (!root.isObject() || users == null || !(users.isArray() || users.isNull())) {
            throw new IllegalArgumentException(file + ": expected a top-level 'users:' list of accounts");
        }
        int index = 0;
        for (JsonNode u : users) {
            index++;
            String where = file + ": account " + index;
            try {
                String name = text(u, "name");
                where += " ('" + name + "')";
                // disabled and sessionsFrom came later: files written before them have neither.
                JsonNode disabled = u.get("disabled");
                if (disabled != null && !disabled.isNull() && !disabled.isBoolean()) {
                    throw new IllegalArgumentException("disabled must be true or false");
                }
                JsonNode since = u.get("sessionsFrom");
                Operator op = new Operator(
                        name,
                        Role.fromWire(text(u, "role")),
                        text(u, "passwordHash"),
                        Instant.parse(text(u, "created")),
                        disabled != null && disabled.asBoolean(),
                        since == null || since.isNull() ? null : Instant.parse(text(u, "sessionsFrom")));
                if (result.put(op.name(), op) != null) throw new IllegalArgumentException("the name is used twice");
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
        }
        return result;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || !v.isValueNode()) throw new IllegalArgumentException(field + " is missing");
        return v.asText();
    }

    private void write(Map<String, Operator> accounts) {
        StringBuilder out = new StringBuilder(HEADER).append("users:\n");
        accounts.values().stream().sorted(Comparator.comparing(Operator::name)).forEach(op -> {
            out.append("  - name: ")
                    .append(quote(op.name()))
                    .append('\n')
                    .append("    role: ")
                    .append(op.role().wire())
                    .append('\n')
                    .append("    passwordHash: ")
                    .append(quote(op.passwordHash()))
                    .append('\n')
                    .append("    created: ")
                    .append(quote(op.created().toString()))
                    .append('\n');
            if (op.disabled()) out.append("    disabled: true\n");
            if (op.sessionsFrom() != null) {
                out.append("    sessionsFrom: ")
                        .append(quote(op.sessionsFrom().toString()))
                        .append('\n');
            }
        });
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(
                    dir,
                    ".users",
                    ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, out, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the operator accounts file " + file, e);
        }
        operators = Map.copyOf(accounts);
        refreshStampQuietly();
    }

    private void refreshStampQuietly() {
        try {
            loadedStamp = Files.getLastModifiedTime(file);
            loadedSize = Files.size(file);
        } catch (IOException e) {
            loadedStamp = null;
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
