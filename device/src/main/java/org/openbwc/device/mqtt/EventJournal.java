package org.openbwc.device.mqtt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import org.openbwc.protocol.Payload;
import org.tinylog.Logger;

/**
 * The unit's events that the gateway has not acknowledged yet, kept on the unit's storage so that neither a broker
 * that forgets nor a power cut loses one: an append-only file of {@code E} (event) and {@code A} (acknowledged)
 * lines, each forced to storage before the event is offered to the link, and rewritten without the acknowledged ones
 * when it opens and whenever they outnumber the rest. A torn last line (power cut mid-write) or any unreadable line
 * is skipped with a warning. Bounded: past {@link #capacity} unacknowledged events the oldest is given up, as the
 * link's queue does. {@link #inMemory} keeps the same rules without a file (tests, units without storage).
 *
 * <p>Line format: {@code E <bootId> <seq> <payload as base64>} and {@code A <bootId> <seq>}.
 */
public final class EventJournal implements AutoCloseable {

    /** An event's name across runs: the run that raised it and its number within that run. */
    public record EventKey(String bootId, long seq) {
        public EventKey {
            Objects.requireNonNull(bootId, "bootId is required");
            Payload.checkBootId(bootId);
        }
    }

    /** An event still waiting for the gateway's acknowledgement, with the payload to send again. */
    public record Pending(EventKey key, byte[] payload) {}

    static final String FILE_NAME = "events.journal";
    /** Rewrite once this many acknowledged lines have piled up (and they outnumber the waiting ones). */
    static final int COMPACT_AFTER_ACKS = 256;

    private final Path file;
    private final int capacity;
    private final LinkedHashMap<EventKey, byte[]> pending = new LinkedHashMap<>();
    private FileChannel channel;
    private int ackLines;
    private long givenUp;

    private EventJournal(Path file, int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("journal capacity " + capacity + " must be >= 1");
        this.file = file;
        this.capacity = capacity;
    }

    /** A journal without storage: what is not acknowledged is lost with the process. */
    public static EventJournal inMemory(int capacity) {
        return new EventJournal(null, capacity);
    }

    /**
     * Opens (or creates) the journal in {@code dir}, reads what is still unacknowledged and rewrites the file with
     * only that.
     *
     * @throws UncheckedIOException when the directory or file cannot be written, with the path in the message
     */
    public static EventJournal open(Path dir, int capacity) {
        EventJournal journal = new EventJournal(dir.resolve(FILE_NAME), capacity);
        try {
            Files.createDirectories(dir);
            journal.load();
            journal.rewrite();
        } catch (IOException e) {
            throw new UncheckedIOException("event journal " + journal.file + " cannot be opened: " + e.getMessage(), e);
        }
        if (!journal.pending.isEmpty()) {
            Logger.info(
                    "Event journal {}: {} events from earlier runs are not acknowledged yet; sending them again",
                    journal.file,
                    journal.pending.size());
        }
        return journal;
    }

    private void load() throws IOException {
        if (!Files.exists(file)) return;
        int unreadable = 0;
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        // Every line is written whole with its newline and forced; text after the last newline is a torn write.
        int end = text.lastIndexOf('\n') + 1;
        if (end < text.length()) unreadable++;
        for (String line : text.substring(0, end).split("\n")) {
            if (line.isEmpty()) continue;
            String[] parts = line.split(" ", -1);
            try {
                EventKey key = new EventKey(parts[1], Long.parseLong(parts[2]));
                if (parts[0].equals("E") && parts.length == 4) {
                    pending.put(key, Base64.getDecoder().decode(parts[3]));
                } else if (parts[0].equals("A") && parts.length == 3) {
                    pending.remove(key);
                } else {
                    unreadable++;
                }
            } catch (RuntimeException e) {
                unreadable++;
            }
        }
        trimToCapacity();
        if (unreadable > 0) {
            Logger.warn(
                    "Event journal {}: skipped {} unreadable lines (a power cut mid-write leaves at most one)",
                    file,
                    unreadable);
        }
    }

    /**
     * Keeps an event until {@link #acknowledge}; on storage it is durable when this returns. A key already kept is
     * kept once.
     *
     * @return the event given up to make room, or null
     */
    public synchronized EventKey append(EventKey key, byte[] payload) {
        Objects.requireNonNull(key, "key is required");
        Objects.requireNonNull(payload, "payload is required");
        if (pending.putIfAbsent(key, payload.clone()) != null) return null;
        write("E " + key.bootId() + " " + key.seq() + " " + Base64.getEncoder().encodeToString(payload) + "\n");
        return trimToCapacity();
    }

    /** The gateway has these events: forget them. Unknown keys (acknowledged twice, or given up) are ignored. */
    public synchronized void acknowledge(Collection<EventKey> keys) {
        StringBuilder lines = new StringBuilder();
        for (EventKey key : keys) {
            if (pending.remove(key) != null) {
                lines.append("A ")
                        .append(key.bootId())
                        .append(' ')
                        .append(key.seq())
                        .append('\n');
                ackLines++;
            }
        }
        if (lines.isEmpty()) return;
        if (ackLines >= COMPACT_AFTER_ACKS && ackLines > pending.size()) {
            rewriteOrWarn();
        } else {
            write(lines.toString());
        }
    }

    /** What waits for acknowledgement, oldest first. */
    public synchronized List<Pending> pending() {
        List<Pending> out = new ArrayList<>(pending.size());
        pending.forEach((k, v) -> out.add(new Pending(k, v)));
        return out;
    }

    public synchronized int size() {
        return pending.size();
    }

    /** Events given up to stay within the capacity since this journal was opened. */
    public synchronized long givenUp() {
        return givenUp;
    }

    private EventKey trimToCapacity() {
        EventKey dropped = null;
        while (pending.size() > capacity) {
            dropped = pending.keySet().iterator().next();
            pending.remove(dropped);
            givenUp++;
        }
        return dropped;
    }

    private void write(String lines) {
        if (file == null) return;
        try {
            if (channel == null) {
                channel = FileChannel.open(
                        file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            }
            ByteBuffer buffer = ByteBuffer.wrap(lines.getBytes(StandardCharsets.ISO_8859_1));
            while (buffer.hasRemaining()) channel.write(buffer);
            channel.force(false);
        } catch (IOException e) {
            // The event still goes out and stays in memory until acknowledged; only a power cut could lose it now.
            Logger.warn(
                    "Event journal {} could not be written ({}); events are kept in memory only", file, e.toString());
            closeChannel();
        }
    }

    private void rewriteOrWarn() {
        try {
            rewrite();
        } catch (IOException e) {
            Logger.warn("Event journal {} could not be rewritten ({}); keeping the old file", file, e.toString());
        }
    }

    /** Writes only the waiting events to a new file and moves it over the old one. */
    private void rewrite() throws IOException {
        ackLines = 0;
        if (file == null) return;
        closeChannel();
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        StringBuilder text = new StringBuilder();
        pending.forEach((k, v) -> text.append("E ")
                .append(k.bootId())
                .append(' ')
                .append(k.seq())
                .append(' ')
                .append(Base64.getEncoder().encodeToString(v))
                .append('\n'));
        try (FileChannel out = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.ISO_8859_1));
            while (buffer.hasRemaining()) out.write(buffer);
            out.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void closeChannel() {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a file we only appended to; nothing is lost
        }
        channel = null;
    }

    @Override
    public synchronized void close() {
        closeChannel();
    }
}
