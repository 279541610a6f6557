package org.openbwc.gateway.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.tinylog.Logger;

/**
 * Append-only record of who did what in the monitoring room (sign-ins, commands, acknowledgements, live views), one
 * JSON object per line, each flushed to disk before the action is reported done. Every line carries the SHA-256 of
 * the previous line's hash and its own content, so a deleted or edited line breaks the chain.
 */
public final class AuditLog implements AutoCloseable {

    /** Only the tail is read back for the admin page; the file itself is never truncated. */
    static final int TAIL_BYTES = 512 * 1024;

    private static final String GENESIS = "0".repeat(64);

    private final Path file;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final FileChannel channel;
    private long seq;
    private String lastHash;

    private AuditLog(Path file, ObjectMapper mapper, Clock clock, FileChannel channel, long seq, String lastHash) {
        this.file = file;
        this.mapper = mapper;
        this.clock = clock;
        this.channel = channel;
        this.seq = seq;
        this.lastHash = lastHash;
    }

    /** Opens (or starts) the log and continues its sequence and hash chain. */
    public static AuditLog open(Path file, ObjectMapper mapper, Clock clock) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            long seq = 0;
            String hash = GENESIS;
            JsonNode last = lastEntry(file, mapper);
            if (last != null) {
                seq = last.path("seq").asLong();
                hash = last.path("hash").asText(GENESIS);
            }
            FileChannel channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            if (endsMidLine(file)) {
                // A torn last line (power loss mid-write) stays on its own line instead of swallowing the next entry.
                channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
                channel.force(false);
            }
            return new AuditLog(file, mapper, clock, channel, seq, hash);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log " + file, e);
        }
    }

    /**
     * Appends one entry and forces it to disk.
     *
     * @param actor who acted (an operator's user name, or "-" before sign-in)
     * @param action e.g. "login", "command", "alert.ack", "live.open"
     * @param target what it concerned (a unit id, an alert id), or null
     * @param outcome "ok", "refused", "failed", ...
     */
    public synchronized void record(
            String actor, String action, String target, String outcome, Map<String, ?> details) {
        ObjectNode entry = mapper.createObjectNode();
        entry.put("seq", seq + 1);
        entry.put("time", clock.instant().toString());
        entry.put("actor", actor);
        entry.put("action", action);
        if (target != null) entry.put("target", target);
        entry.put("outcome", outcome);
        if (details != null && !details.isEmpty()) entry.set("details", mapper.valueToTree(details));
        entry.put("prev", lastHash);
        try {
            String hash = chainHash(lastHash, mapper.writeValueAsString(entry));
            entry.put("hash", hash);
            byte[] line = (mapper.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) channel.write(buf);
            channel.force(false);
            seq++;
            lastHash = hash;
        } catch (IOException e) {
            // The action already happened; losing its trace must be loud, not silent.
            Logger.error(e, "AUDIT LOG WRITE FAILED ({}): {} {} {} {}", file, actor, action, target, outcome);
        }
    }

    /** The newest entries, newest first. */
    public synchronized List<JsonNode> recent(int limit) {
        List<JsonNode> out = new ArrayList<>();
        try {
            List<String> lines = tail(file);
            for (int i = lines.size() - 1; i >= 0 && out.size() < limit; i--) {
                try {
                    out.add(mapper.readTree(lines.get(i)));
                } catch (JsonProcessingException e) {
                    Logger.debug("Unreadable audit line skipped: {}", e.getOriginalMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit log " + file, e);
        }
        return out;
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            Logger.warn("Closing the audit log failed: {}", e.toString());
        }
    }

    static String chainHash(String previous, String entryWithoutHash) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(previous.getBytes(StandardCharsets.US_ASCII));
            sha.update(entryWithoutHash.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static JsonNode lastEntry(Path file, ObjectMapper mapper) throws IOException {
        if (!Files.exists(file)) return null;
        List<String> lines = tail(file);
        for (int i = lines.size() - 1; i >= 0; i--) {
            try {
                return mapper.readTree(lines.get(i));
            } catch (JsonProcessingException e) {
                // A torn last line (power loss mid-write): the chain continues from the last whole entry.
                Logger.warn("Audit log {} ends in an unreadable line; continuing after the last whole entry", file);
            }
        }
        return null;
    }

    private static boolean endsMidLine(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            if (raf.length() == 0) return false;
            raf.seek(raf.length() - 1);
            return raf.read() != '\n';
        }
    }

    private static List<String> tail(Path file) throws IOException {
        if (!Files.exists(file)) return List.of();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long start = Math.max(0, length - TAIL_BYTES);
            byte[] bytes = new byte[(int) (length - start)];
            raf.seek(start);
            raf.readFully(bytes);
            List<String> lines = new ArrayList<>(
                    new String(bytes, StandardCharsets.UTF_8).lines().toList());
            if (start > 0 && !lines.isEmpty()) lines.remove(0); // probably cut in the middle
            lines.removeIf(String::isBlank);
            return lines;
        }
    }
}
