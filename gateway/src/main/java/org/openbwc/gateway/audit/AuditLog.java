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
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tinylog.Logger;

/**
 * Append-only record of who did what in the monitoring room (sign-ins, commands, acknowledgements, live views), one
 * JSON object per line, each flushed to disk before the action is reported done. The file is mode 600.
 *
 * <p>Every line carries {@code prev}, the previous line's hash, and {@code hash}, an HMAC-SHA256 with the key in
 * {@code <dataDir>/keys/audit.key} over {@code prev} and the line without its hash: a deleted or edited line breaks the
 * chain, and without the key nobody can recompute it. A log from before the key continues: an {@code audit.keyed}
 * entry marks where its plain SHA-256 chain ends and the keyed one begins. A signed checkpoint ({@code
 * audit.checkpoint}: the sequence number and chain value of the entry before it, signed with the Ed25519 key {@code
 * audit-signing.key}) is written at start when the log did not end with one (an unclean stop), at the first entry of
 * each day (UTC), and at a clean shutdown; {@link #verify} checks all of it.
 */
public final class AuditLog implements AutoCloseable {

    /** Only the tail is read back for the admin page; the file itself is never truncated. */
    static final int TAIL_BYTES = 512 * 1024;
    /** How much of the file a search reads at a time, from the end. */
    static final int SEARCH_BLOCK_BYTES = 64 * 1024;

    static final String KEYED = "audit.keyed";
    static final String CHECKPOINT = "audit.checkpoint";
    static final String GENESIS = "0".repeat(64);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final FileChannel channel;
    private final AuditKeys keys;
    private long seq;
    private String lastHash;
    private LocalDate lastCheckpointDay;

    private AuditLog(
            Path file,
            ObjectMapper mapper,
            Clock clock,
            FileChannel channel,
            AuditKeys keys,
            long seq,
            String lastHash) {
        this.file = file;
        this.mapper = mapper;
        this.clock = clock;
        this.channel = channel;
        this.keys = keys;
        this.seq = seq;
        this.lastHash = lastHash;
        this.lastCheckpointDay = today(clock);
    }

    /** Opens the log with its keys in a {@code keys} folder beside it (the gateway's layout: both in dataDir). */
    public static AuditLog open(Path file, ObjectMapper mapper, Clock clock) {
        return open(file, file.toAbsolutePath().getParent().resolve("keys"), mapper, clock);
    }

    /**
     * Opens (or starts) the log and continues its sequence and chain, making its keys in {@code keysDir} if missing,
     * tightening the file to mode 600 if it was looser, and marking the switch when the log so far is unkeyed.
     */
    public static AuditLog open(Path file, Path keysDir, ObjectMapper mapper, Clock clock) {
        AuditKeys keys = AuditKeys.openOrCreate(keysDir);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ownerOnly(file);
            long seq = 0;
            String hash = GENESIS;
            String lastLine = lastWholeLine(file, mapper);
            JsonNode last = lastLine == null ? null : mapper.readTree(lastLine);
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
            AuditLog log = new AuditLog(file, mapper, clock, channel, keys, seq, hash);
            boolean keyedTail = lastLine != null && AuditChain.keyed(keys.macKey(), lastLine);
            if (!keyedTail) {
                String before = last == null ? "none" : AuditChain.plain(lastLine) ? "sha-256" : "unverified";
                if (before.equals("unverified"))
                    Logger.warn(
                            "The last line of the audit log {} does not verify; the keyed chain restarts after it",
                            file);
                log.append("gateway", KEYED, null, "ok", Map.of("chain", "hmac-sha256", "before", before));
            }
            if (last == null || !CHECKPOINT.equals(last.path("action").asText()) || !keyedTail) {
                log.checkpoint("start");
            }
            return log;
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
        if (today(clock).isAfter(lastCheckpointDay)) checkpoint("daily");
        append(actor, action, target, outcome, details);
    }

    /** Appends a checkpoint: the current sequence number and chain value, signed with the audit signing key. */
    public synchronized void checkpoint(String reason) {
        if (seq == 0) return; // nothing to vouch for yet
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("seq", seq);
        details.put("chain", lastHash);
        details.put("reason", reason);
        details.put("signature", AuditChain.sign(keys.signingKey(), seq, lastHash));
        append("gateway", CHECKPOINT, null, "ok", details);
        lastCheckpointDay = today(clock);
    }

    /**
     * Checks a whole log: the chain (plain SHA-256 before the {@code audit.keyed} entry, HMAC-SHA256 with {@code key}
     * from it on), the sequence numbers, and every checkpoint's signature against {@code publicKey}.
     *
     * @return what was found, with the first broken line when the log is not intact
     */
    public static AuditVerification verify(Path file, byte[] key, PublicKey publicKey) {
        return AuditChain.verify(file, key, publicKey);
    }

    private void append(String actor, String action, String target, String outcome, Map<String, ?> details) {
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
            String body = mapper.writeValueAsString(entry);
            String hash = AuditChain.mac(keys.macKey(), lastHash, body);
            byte[] line = (AuditChain.withHash(body, hash) + "\n").getBytes(StandardCharsets.UTF_8);
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

    /**
     * The newest entries that match, newest first, searching the whole file from its end (in blocks, so a long log
     * is never read into memory at once) until {@code query.limit()} are found or none older can match.
     */
    public List<JsonNode> find(AuditQuery query) {
        List<JsonNode> out = new ArrayList<>();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = in.size();
            byte[] carry = new byte[0]; // the start of a line whose end was read in the block after it
            while (pos > 0) {
                int n = (int) Math.min(SEARCH_BLOCK_BYTES, pos);
                pos -= n;
                ByteBuffer block = ByteBuffer.allocate(n + carry.length).limit(n);
                while (block.hasRemaining()) {
                    if (in.read(block, pos + block.position()) < 0) throw new IOException("the log shrank");
                }
                block.limit(block.capacity()).put(carry);
                byte[] bytes = block.array();
                int end = bytes.length;
                for (int i = bytes.length - 1; i >= 0; i--) {
                    if (bytes[i] != '\n') continue;
                    if (searchLine(bytes, i + 1, end, query, out)) return out;
                    end = i;
                }
                carry = Arrays.copyOfRange(bytes, 0, end);
            }
            searchLine(carry, 0, carry.length, query, out);
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit log " + file, e);
        }
        return out;
    }

    /** @return true when the search is done: enough found, or nothing older can match */
    private boolean searchLine(byte[] bytes, int from, int to, AuditQuery query, List<JsonNode> out) {
        if (to <= from) return false;
        JsonNode entry;
        try {
            entry = mapper.readTree(bytes, from, to - from);
        } catch (IOException e) {
            Logger.debug("Unreadable audit line skipped: {}", e.getMessage());
            return false;
        }
        if (entry == null || !entry.isObject()) return false;
        if (query.matches(entry)) out.add(entry);
        return out.size() >= query.limit() || query.endsSearch(entry);
    }

    /**
     * Checks this log as {@link #verify} does (what {@code bwc gateway audit verify} runs), with its own keys, up to
     * the last entry written when the check begins.
     */
    public AuditVerification verify() {
        long written;
        synchronized (this) {
            try {
                written = Files.size(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the audit log " + file, e);
            }
        }
        return AuditChain.verify(file, keys.macKey(), keys.publicKey(), written);
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

    /** Writes the shutdown checkpoint and closes the file. */
    @Override
    public synchronized void close() {
        if (!channel.isOpen()) return;
        checkpoint("shutdown");
        try {
            channel.close();
        } catch (IOException e) {
            Logger.warn("Closing the audit log failed: {}", e.toString());
        }
    }

    /** The plain SHA-256 chain value of the log's unkeyed part (before {@code audit.keyed}). */
    static String chainHash(String previous, String entryWithoutHash) {
        return AuditChain.sha256(previous, entryWithoutHash);
    }

    private static LocalDate today(Clock clock) {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    /** Creates the file mode 600, or tightens an existing one that is readable by others. */
    private static void ownerOnly(Path file) throws IOException {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) return;
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            return;
        }
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(now)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
            Logger.warn(
                    "The audit log {} was {}; made it readable only by its owner (600)",
                    file.toAbsolutePath(),
                    PosixFilePermissions.toString(now));
        }
    }

    private static String lastWholeLine(Path file, ObjectMapper mapper) throws IOException {
        if (!Files.exists(file)) return null;
        List<String> lines = tail(file);
        for (int i = lines.size() - 1; i >= 0; i--) {
            try {
                mapper.readTree(lines.get(i));
                return lines.get(i);
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

    static List<String> tail(Path file) throws IOException {
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
