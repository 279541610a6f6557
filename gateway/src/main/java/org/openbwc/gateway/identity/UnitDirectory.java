package org.openbwc.gateway.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.openbwc.gateway.fleet.Admission;
import org.openbwc.gateway.identity.EnrolledUnit.State;
import org.openbwc.protocol.Topics;
import org.tinylog.Logger;

/**
 * The agency's units in {@code <dataDir>/units.json} (mode 600): who may enrol (a one-time token, stored only as its
 * SHA-256, good for 24 hours), who is enrolled (certificate serial and expiry, the pinned evidence key), who is
 * revoked. The CLI ({@code bwc gateway unit}) and the running gateway share the file: every change is a
 * read-modify-write under a file lock ({@code units.json.lock}) and an atomic replace, and a gateway that
 * {@link #watch}es re-reads the file when it changes (about once a second) and tells its {@link RevocationListener}s
 * about units revoked elsewhere.
 */
public final class UnitDirectory implements Admission, AutoCloseable {
    public static final String FILE = "units.json";
    public static final Duration TOKEN_LIFETIME = Duration.ofHours(24);
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    private static final int FORMAT_VERSION = 1;
    private static final SecureRandom RANDOM = new SecureRandom();
    // FileChannel locks are held per JVM, not per thread: a second channel of the same JVM would get an
    // OverlappingFileLockException, so threads (and directories opened twice, as CLI tests do) queue here first.
    private static final Map<Path, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();

    /** A token as the administrator receives it: shown once, never stored. */
    public record IssuedToken(String unitId, String token, Instant expiresAt, boolean reenrolment) {}

    /** Told about a unit that was revoked, here or by another process sharing the file; must return quickly. */
    @FunctionalInterface
    public interface RevocationListener {
        void revoked(String unitId);
    }

    /** What the CA issued while a token was redeemed, recorded in the unit's entry. */
    record Issuance(BigInteger serial, Instant certificateExpires, String evidenceKey, String evidenceKeyFingerprint) {}

    private record Stamp(Object fileKey, long modifiedMillis, long size) {}

    private final Path file;
    private final Path lockFile;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final List<RevocationListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Map<String, EnrolledUnit> units = Map.of();
    private Stamp stamp;
    private ScheduledExecutorService watcher;

    private UnitDirectory(Path file, Clock clock) {
        this.file = file.toAbsolutePath().normalize();
        this.lockFile = this.file.resolveSibling(FILE + ".lock");
        this.clock = clock;
    }

    /**
     * Opens {@code <dataDir>/units.json}; a missing file means no units yet.
     *
     * @throws IllegalArgumentException naming the file and the entry when it cannot be read
     */
    public static UnitDirectory open(Path dataDir, Clock clock) {
        UnitDirectory d = new UnitDirectory(dataDir.resolve(FILE), clock);
        synchronized (d) {
            d.units = d.read();
        }
        return d;
    }

    public Path file() {
        return file;
    }

    /** Every unit, sorted by id, as last read. */
    public List<EnrolledUnit> all() {
        return List.copyOf(units.values());
    }

    public Optional<EnrolledUnit> find(String unitId) {
        return Optional.ofNullable(units.get(unitId));
    }

    /**
     * Whether a unit may connect: it is enrolled and not revoked. One line to hand to the broker's extension:
     * {@code UnitAdmission admission = directory::admits}.
     */
    public boolean admits(String unitId) {
        EnrolledUnit u = units.get(unitId);
        return u != null && u.state() == State.ENROLLED;
    }

    @Override
    public Verdict verdict(String unitId) {
        EnrolledUnit u = units.get(unitId);
        if (u == null || u.state() == State.PENDING) return Verdict.NOT_ENROLLED;
        return u.state() == State.REVOKED ? Verdict.REVOKED : Verdict.ADMITTED;
    }

    /** Every certificate serial of every revoked unit: what the CRL lists. */
    public List<BigInteger> revokedSerials() {
        List<BigInteger> out = new ArrayList<>();
        for (EnrolledUnit u : units.values()) {
            if (u.state() == State.REVOKED) for (String s : u.serials()) out.add(new BigInteger(s, 16));
        }
        return out;
    }

    /** Registers a listener for revocations (made here, or found when re-reading the file). */
    public void listen(RevocationListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener is required"));
    }

    /**
     * Adds a unit, or opens a new token for one already known (an enrolled unit enrolls again with it, for a new key;
     * its current certificate stays valid until revoked). A token issued before for the unit stops working.
     *
     * @throws IllegalArgumentException for an invalid unit id
     * @throws IllegalStateException for a revoked unit: a revoked id is never readmitted
     */
    public IssuedToken add(String unitId) {
        Topics.requireId(unitId, "unit id");
        String token = newToken();
        Instant now = clock.instant();
        Instant expires = now.plus(TOKEN_LIFETIME);
        boolean[] again = {false};
        change(all -> {
            EnrolledUnit u = all.get(unitId);
            if (u != null && u.state() == State.REVOKED) {
                throw new IllegalStateException("unit " + unitId + " was revoked at " + u.revokedAt()
                        + "; a revoked unit id is never readmitted, give the camera a new unit id");
            }
            again[0] = u != null && u.state() == State.ENROLLED;
            all.put(
                    unitId,
                    u == null
                            ? EnrolledUnit.pending(unitId, now, hash(token), expires)
                            : u.withToken(hash(token), expires));
            return null;
        });
        Logger.info(
                "Enrolment token issued for unit {} (valid until {}){}",
                unitId,
                expires,
                again[0] ? "; it is enrolled already and may enrol again with it" : "");
        return new IssuedToken(unitId, token, expires, again[0]);
    }

    /**
     * Redeems a unit's token: under the lock, checks it, runs {@code issue} (which signs the certificate) and records
     * the result; the token is then used up.
     *
     * @throws EnrolmentRefusedException 401 for an unknown unit or an unknown, expired or used token (one message for
     *     all), 409 for a revoked unit, or whatever {@code issue} throws
     */
    Issuance redeem(String unitId, String token, Function<EnrolledUnit, Issuance> issue) {
        return change(all -> {
            EnrolledUnit u = all.get(unitId);
            if (u == null) throw new EnrolmentRefusedException(401, EnrolmentRefusedException.BAD_TOKEN);
            if (u.state() == State.REVOKED) {
                throw new EnrolmentRefusedException(
                        409, "unit " + unitId + " was revoked; the agency does not enrol it again");
            }
            Instant now = clock.instant();
            if (!u.tokenOpen(now)
                    || !MessageDigest.isEqual(
                            u.tokenHash().getBytes(StandardCharsets.US_ASCII),
                            hash(token).getBytes(StandardCharsets.US_ASCII))) {
                throw new EnrolmentRefusedException(401, EnrolmentRefusedException.BAD_TOKEN);
            }
            Issuance issued = issue.apply(u);
            all.put(
                    unitId,
                    u.enrolled(
                            now,
                            issued.serial().toString(16),
                            issued.certificateExpires(),
                            issued.evidenceKey(),
                            issued.evidenceKeyFingerprint()));
            return issued;
        });
    }

    /**
     * Revokes a unit: its token is dropped and it is refused from now on. Revoking a revoked unit changes nothing.
     *
     * @return the unit as it is now; empty for an unknown unit id
     */
    public Optional<EnrolledUnit> revoke(String unitId) {
        boolean[] changed = {false};
        EnrolledUnit after = change(all -> {
            EnrolledUnit u = all.get(unitId);
            if (u == null || u.state() == State.REVOKED) return u;
            EnrolledUnit r = u.revoked(clock.instant());
            all.put(unitId, r);
            changed[0] = true;
            return r;
        });
        if (changed[0]) {
            Logger.info(
                    "Unit {} revoked ({} certificates)", unitId, after.serials().size());
            tell(unitId);
        }
        return Optional.ofNullable(after);
    }

    /** Starts re-reading the file about once a second, so changes by the CLI reach this process. */
    public synchronized UnitDirectory watch() {
        if (watcher != null) return this;
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "unit-directory-watch");
            t.setDaemon(true);
            return t;
        });
        long period = POLL_INTERVAL.toMillis();
        watcher.scheduleWithFixedDelay(this::refresh, period, period, TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public synchronized void close() {
        if (watcher != null) watcher.shutdownNow();
        watcher = null;
    }

    /** Re-reads the file if it changed since it was last read, and tells listeners about new revocations. */
    void refresh() {
        List<String> newlyRevoked = new ArrayList<>();
        synchronized (this) {
            try {
                if (Objects.equals(stampOf(), stamp)) return;
                Map<String, EnrolledUnit> before = units;
                units = read();
                for (EnrolledUnit u : units.values()) {
                    EnrolledUnit old = before.get(u.id());
                    if (u.state() == State.REVOKED && (old == null || old.state() != State.REVOKED)) {
                        newlyRevoked.add(u.id());
                    }
                }
                Logger.info("Unit directory {} re-read: {} units", file, units.size());
            } catch (RuntimeException e) {
                Logger.error(
                        "Unit directory {} could not be re-read, keeping the previous {} units: {}",
                        file,
                        units.size(),
                        e.getMessage());
                stamp = stampOf(); // do not retry every second until the file changes again
            }
        }
        for (String id : newlyRevoked) {
            Logger.info("Unit {} was revoked (seen in {})", id, file);
            tell(id);
        }
    }

    private void tell(String unitId) {
        for (RevocationListener l : listeners) {
            try {
                l.revoked(unitId);
            } catch (RuntimeException e) {
                Logger.error(e, "Revocation listener {} failed for unit {}", l, unitId);
            }
        }
    }

    /** A read-modify-write of the whole file under both locks; the mutator changes the map it is given. */
    private <T> T change(Function<Map<String, EnrolledUnit>, T> mutator) {
        ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = channel.lock()) {
                synchronized (this) {
                    Map<String, EnrolledUnit> all = new LinkedHashMap<>(read());
                    T result = mutator.apply(all);
                    write(all);
                    units = sorted(all);
                    stamp = stampOf();
                    return result;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update the unit directory " + file + ": " + e.getMessage(), e);
        } finally {
            local.unlock();
        }
    }

    private Stamp stampOf() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.fileKey(), a.lastModifiedTime().toMillis(), a.size());
        } catch (IOException e) {
            return null;
        }
    }

    private Map<String, EnrolledUnit> read() {
        Stamp before = stampOf();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            stamp = null;
            return Map.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the unit directory " + file + ": " + e.getMessage(), e);
        }
        JsonNode root;
        try {
            root = mapper.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage());
        }
        JsonNode list = root == null ? null : root.get("units");
        if (list == null || !list.isArray()) throw new IllegalArgumentException(file + ": expected {\"units\": [...]}");
        Map<String, EnrolledUnit> out = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode n : list) {
            index++;
            try {
                EnrolledUnit u = unit(n);
                if (out.put(u.id(), u) != null)
                    throw new IllegalArgumentException("unit " + u.id() + " is listed twice");
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + ": unit " + index + ": " + e.getMessage(), e);
            }
        }
        stamp = before;
        return sorted(out);
    }

    private static Map<String, EnrolledUnit> sorted(Map<String, EnrolledUnit> all) {
        Map<String, EnrolledUnit> out = new LinkedHashMap<>();
        all.keySet().stream().sorted().forEach(id -> out.put(id, all.get(id)));
        return java.util.Collections.unmodifiableMap(out);
    }

    private static EnrolledUnit unit(JsonNode n) {
        List<String> serials = new ArrayList<>();
        JsonNode s = n.get("serials");
        if (s != null && s.isArray()) for (JsonNode v : s) serials.add(v.asText());
        return new EnrolledUnit(
                Topics.requireId(text(n, "id"), "id"),
                State.fromWire(Objects.requireNonNull(text(n, "state"), "state is missing")),
                Objects.requireNonNull(time(n, "addedAt"), "addedAt is missing"),
                text(n, "tokenSha256"),
                time(n, "tokenExpiresAt"),
                time(n, "enrolledAt"),
                text(n, "certificateSerial"),
                time(n, "certificateExpiresAt"),
                serials,
                text(n, "evidenceKey"),
                text(n, "evidenceKeyFingerprint"),
                time(n, "revokedAt"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant time(JsonNode n, String field) {
        String v = text(n, field);
        try {
            return v == null ? null : Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + ": '" + v + "' is not an ISO-8601 time");
        }
    }

    private void write(Map<String, EnrolledUnit> all) throws IOException {
        ObjectNode root = mapper.createObjectNode();
        root.put("version", FORMAT_VERSION);
        ArrayNode list = root.putArray("units");
        for (EnrolledUnit u : sorted(all).values()) {
            ObjectNode n = list.addObject();
            n.put("id", u.id());
            n.put("state", u.state().wire());
            n.put("addedAt", u.addedAt().toString());
            putIf(n, "tokenSha256", u.tokenHash());
            putIf(n, "tokenExpiresAt", u.tokenExpiresAt());
            putIf(n, "enrolledAt", u.enrolledAt());
            putIf(n, "certificateSerial", u.certificateSerial());
            putIf(n, "certificateExpiresAt", u.certificateExpiresAt());
            ArrayNode serials = n.putArray("serials");
            u.serials().forEach(serials::add);
            putIf(n, "evidenceKey", u.evidenceKey());
            putIf(n, "evidenceKeyFingerprint", u.evidenceKeyFingerprint());
            putIf(n, "revokedAt", u.revokedAt());
        }
        Path dir = file.getParent();
        Path tmp = dir.resolve("." + FILE + ".tmp");
        Files.deleteIfExists(tmp);
        FileAttribute<?>[] attrs =
                dir.getFileSystem().supportedFileAttributeViews().contains("posix")
                        ? new FileAttribute<?>[] {
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
                        }
                        : new FileAttribute<?>[0];
        Files.createFile(tmp, attrs);
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            out.write(java.nio.ByteBuffer.wrap(mapper.writeValueAsBytes(root)));
            out.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void putIf(ObjectNode n, String field, Object value) {
        if (value != null) n.put(field, value.toString());
    }

    /** 32 random bytes, base64url without padding: 43 characters that survive a copy from a terminal. */
    private static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** SHA-256 of a token, hex: all that is stored of it. */
    static String hash(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(token.strip().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
