package org.openbwc.device;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.openbwc.json.JsonReader;
import org.openbwc.json.JsonWriter;
import org.tinylog.Logger;

/**
 * The officer carrying the unit, as the gateway last assigned it ({@code officer.assign}): kept in
 * {@code <dataDir>/officer.json} (written atomically) so that a restart keeps it, and taking precedence over the
 * config's {@code officerId}, which stays the officer of a unit no gateway manages. Thread-safe; changes come from the
 * controller thread, readers (status, overlay, new recordings) may be anywhere.
 */
final class OfficerAssignment {
    /** What {@code officer.assign} accepts as an id: as the gateway's officer directory, empty to unassign. */
    static final Pattern ID = Pattern.compile("[\\p{L}\\p{N}._#/+-]{0,40}");

    static final int MAX_NAME = 80;
    static final int MAX_CALLSIGN = 16;

    /** An assignment: {@code officerId} empty while nobody is assigned (name and callsign then empty too). */
    record Officer(String officerId, String name, String callsign) {
        Officer {
            officerId = officerId == null ? "" : officerId;
            name = name == null ? "" : name;
            callsign = callsign == null ? "" : callsign;
        }
    }

    /** What an assignment changed: the officer before and after. */
    record Change(Officer previous, Officer now) {
        boolean changed() {
            return !previous.equals(now);
        }
    }

    private final Path file;
    private final String unitTag;
    private volatile Officer current;

    private OfficerAssignment(Path file, String unitId, Officer current) {
        this.file = file;
        this.unitTag = "[" + unitId + "] ";
        this.current = current;
    }

    /**
     * The assignment kept in {@code file}, or the config's {@code configuredOfficerId} when the gateway never assigned
     * one. A file that cannot be read is logged and ignored (the config's officer then), never fatal.
     */
    static OfficerAssignment open(Path file, String unitId, String configuredOfficerId) {
        Officer configured = new Officer(configuredOfficerId, "", "");
        Officer kept = configured;
        try {
            Object plain = JsonReader.parse(Files.readAllBytes(file));
            if (!(plain instanceof Map<?, ?> m)) throw new IllegalArgumentException("not a JSON object");
            kept = validated(text(m.get("officerId")), text(m.get("name")), text(m.get("callsign")));
            Logger.debug("[{}] officer '{}' as assigned by the gateway ({})", unitId, kept.officerId(), file);
        } catch (NoSuchFileException e) {
            // never assigned by a gateway: the config's officer
        } catch (IOException | RuntimeException e) {
            Logger.warn(
                    "[{}] {} cannot be read ({}); the unit carries the config's officer '{}' until the gateway assigns"
                            + " one",
                    unitId,
                    file,
                    e.getMessage(),
                    configuredOfficerId);
        }
        return new OfficerAssignment(file, unitId, kept);
    }

    private static String text(Object value) {
        if (value == null) return "";
        if (!(value instanceof String s)) throw new IllegalArgumentException("a member is not text: " + value);
        return s;
    }

    /** The officer now. */
    Officer current() {
        return current;
    }

    /** The officer's id now; empty while nobody is assigned. */
    String officerId() {
        return current.officerId();
    }

    /**
     * Applies {@code officer.assign}'s args and keeps them on storage before they take effect.
     *
     * @throws IllegalArgumentException naming the bad argument
     * @throws UncheckedIOException when the assignment cannot be written (it then does not take effect)
     */
    synchronized Change assign(Map<String, String> args) {
        String id = args.get("officerId");
        if (id == null) throw new IllegalArgumentException("officer.assign needs officerId (empty to unassign)");
        Officer next = id.isEmpty() ? new Officer("", "", "") : validated(id, args.get("name"), args.get("callsign"));
        Officer previous = current;
        if (next.equals(previous)) return new Change(previous, next);
        write(next);
        current = next;
        Logger.info(
                "{}officer {}",
                unitTag,
                next.officerId().isEmpty()
                        ? "unassigned (was '" + previous.officerId() + "')"
                        : "'" + next.officerId() + "' assigned (was '" + previous.officerId() + "')");
        return new Change(previous, next);
    }

    private static Officer validated(String id, String name, String callsign) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    "officerId '" + id + "' must be up to 40 letters, digits or ._#/+- (empty to unassign)");
        }
        name = name == null ? "" : name.strip();
        callsign = callsign == null ? "" : callsign.strip();
        if (name.length() > MAX_NAME || hasControl(name)) {
            throw new IllegalArgumentException("officer name must be at most " + MAX_NAME + " printable characters");
        }
        if (callsign.length() > MAX_CALLSIGN || hasControl(callsign)) {
            throw new IllegalArgumentException(
                    "officer callsign must be at most " + MAX_CALLSIGN + " printable characters");
        }
        return id.isEmpty() ? new Officer("", "", "") : new Officer(id, name, callsign);
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }

    private void write(Officer officer) {
        Map<String, Object> plain = new LinkedHashMap<>();
        plain.put("officerId", officer.officerId());
        plain.put("name", officer.name());
        plain.put("callsign", officer.callsign());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel out = FileChannel.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(JsonWriter.compact(plain));
                while (bytes.hasRemaining()) out.write(bytes);
                out.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the officer assignment in " + file + ": " + e.getMessage(), e);
        }
    }
}
