package org.openbwc.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.testsupport.MovableClock;

/**
 * The audit log's keyed chain and signed checkpoints: whatever is edited, deleted or recomputed without the key is
 * found by {@link AuditLog#verify}, at the line where it happened.
 */
class AuditLogTest {

    final ObjectMapper mapper = new ObjectMapper();

    @TempDir
    Path dir;

    Path file() {
        return dir.resolve("audit.log");
    }

    Path keys() {
        return dir.resolve("keys");
    }

    AuditVerification verify() {
        return AuditLog.verify(file(), AuditKeys.readMacKey(keys()), AuditKeys.readPublicKey(keys()));
    }

    /** A log of {@code n} operator entries, closed cleanly. */
    List<String> writeLog(int n) throws Exception {
        try (AuditLog log = AuditLog.open(file(), mapper, Clock.systemUTC())) {
            for (int i = 1; i <= n; i++) log.record("sam", "command", "u-" + i, "ok", Map.of("command", "ping"));
        }
        return Files.readAllLines(file());
    }

    @Test
    void entriesAreChainedAcrossReopeningAndATornLineDoesNotBreakTheNextStart() throws Exception {
        try (AuditLog log = AuditLog.open(file(), mapper, Clock.systemUTC())) {
            log.record("sam", "login", null, "ok", Map.of("ip", "127.0.0.1"));
            log.record("sam", "command", "u-1", "ok", Map.of("command", "ping"));
        }
        Files.writeString(file(), "{\"seq\":99,\"time\":\"torn", StandardOpenOption.APPEND);
        try (AuditLog log = AuditLog.open(file(), mapper, Clock.systemUTC())) {
            log.record("ada", "alert.ack", "u-1", "ok", Map.of());
            List<JsonNode> recent = log.recent(20);
            assertThat(recent)
                    .extracting(n -> n.get("action").asText())
                    .filteredOn(a -> !a.startsWith("audit."))
                    .containsExactly("alert.ack", "command", "login");
            assertThat(recent.get(0).get("prev").asText())
                    .isEqualTo(recent.get(1).get("hash").asText());
        }
        AuditVerification v = verify();
        assertThat(v.intact()).as(v.problem()).isTrue();
        assertThat(v.tornLines()).isEqualTo(1);
        assertThat(v.unkeyedEntries()).isZero();
        assertThat(v.checkpoints())
                .as("start, and shutdown of each run (the second start found a checkpoint last, so it had no need)")
                .isEqualTo(3);
    }

    @Test
    void theLogAndItsKeysAreReadableOnlyByTheGatewayAndALooserLogIsTightened() throws Exception {
        writeLog(1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file())))
                .isEqualTo("rw-------");
        for (String key : List.of(AuditKeys.MAC_KEY_FILE, AuditKeys.SIGNING_KEY_FILE)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys().resolve(key))))
                    .as(key)
                    .isEqualTo("rw-------");
        }
        assertThat(AuditKeys.readMacKey(keys())).hasSize(32);
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-r--r--"));
        AuditLog.open(file(), mapper, Clock.systemUTC()).close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file())))
                .isEqualTo("rw-------");
    }

    @Test
    void anEditedLineIsFoundWhereItWasEdited() throws Exception {
        List<String> lines = writeLog(5);
        int edited = indexOfTarget(lines, "u-3");
        lines.set(edited, lines.get(edited).replace("\"actor\":\"sam\"", "\"actor\":\"ada\""));
        Files.write(file(), lines);
        AuditVerification v = verify();
        assertThat(v.intact()).isFalse();
        assertThat(v.brokenLine()).isEqualTo(edited + 1);
        assertThat(v.problem()).contains("HMAC does not match");
    }

    @Test
    void aDeletedLineIsFoundAtTheLineAfterIt() throws Exception {
        List<String> lines = new ArrayList<>(writeLog(5));
        int deleted = indexOfTarget(lines, "u-3");
        lines.remove(deleted);
        Files.write(file(), lines);
        AuditVerification v = verify();
        assertThat(v.intact()).isFalse();
        assertThat(v.brokenLine()).isEqualTo(deleted + 1);
        assertThat(v.problem()).contains("does not follow");
    }

    @Test
    void anEditWithThePlainSha256ChainRecomputedIsFoundWithoutTheKey() throws Exception {
        List<String> lines = writeLog(5);
        int edited = indexOfTarget(lines, "u-3");
        // What an attacker could do to the old unkeyed log: change a line, then recompute every hash after it.
        List<String> forged = recomputePlain(lines, edited, l -> l.replace("\"target\":\"u-3\"", "\"target\":\"u-9\""));
        Files.write(file(), forged);
        AuditVerification v = verify();
        assertThat(v.intact()).isFalse();
        assertThat(v.brokenLine()).isEqualTo(edited + 1);

        // Dropping the keyed mark and recomputing the whole chain plainly is found too.
        List<String> unmarked = new ArrayList<>(lines);
        unmarked.removeIf(l -> l.contains("\"action\":\"" + AuditLog.KEYED + "\""));
        unmarked.removeIf(l -> l.contains("\"action\":\"" + AuditLog.CHECKPOINT + "\""));
        Files.write(file(), renumberPlain(unmarked));
        AuditVerification all = verify();
        assertThat(all.intact()).isFalse();
        assertThat(all.problem()).contains("no keyed part");
    }

    @Test
    void anUnkeyedLogContinuesWithTheSwitchMarked() throws Exception {
        // A log written before the key: plain SHA-256 chain.
        List<String> legacy = new ArrayList<>();
        String prev = AuditLog.GENESIS;
        for (int i = 1; i <= 3; i++) {
            ObjectNode n = mapper.createObjectNode();
            n.put("seq", i);
            n.put("time", "2026-11-01T10:00:0" + i + "Z");
            n.put("actor", "sam");
            n.put("action", "login");
            n.put("outcome", "ok");
            n.put("prev", prev);
            String body = mapper.writeValueAsString(n);
            String hash = AuditLog.chainHash(prev, body);
            legacy.add(AuditChain.withHash(body, hash));
            prev = hash;
        }
        Files.write(file(), legacy);
        try (AuditLog log = AuditLog.open(file(), mapper, Clock.systemUTC())) {
            log.record("ada", "login", null, "ok", Map.of());
        }
        List<String> lines = Files.readAllLines(file());
        JsonNode mark = mapper.readTree(lines.get(3));
        assertThat(mark.get("action").asText()).isEqualTo(AuditLog.KEYED);
        assertThat(mark.get("seq").asLong()).isEqualTo(4);
        assertThat(mark.get("details").get("before").asText()).isEqualTo("sha-256");
        AuditVerification v = verify();
        assertThat(v.intact()).as(v.problem()).isTrue();
        assertThat(v.unkeyedEntries()).isEqualTo(3);
        // Once keyed, the keyed part is held to the key: a plainly hashed line after the mark is refused.
        List<String> tampered = recomputePlain(lines, lines.size() - 2, l -> l);
        Files.write(file(), tampered);
        assertThat(verify().brokenLine()).isEqualTo(lines.size() - 1);
    }

    @Test
    void checkpointsAreSignedDailyAndAtShutdownAndAForgedOneFails() throws Exception {
        MovableClock clock = new MovableClock(Instant.parse("2026-12-01T22:00:00Z"));
        try (AuditLog log = AuditLog.open(file(), mapper, clock)) {
            log.record("sam", "login", null, "ok", Map.of());
            clock.advance(Duration.ofHours(3)); // past midnight UTC
            log.record("sam", "command", "u-1", "ok", Map.of());
        }
        List<String> lines = Files.readAllLines(file());
        List<String> reasons = new ArrayList<>();
        for (String l : lines) {
            JsonNode n = mapper.readTree(l);
            if (n.get("action").asText().equals(AuditLog.CHECKPOINT))
                reasons.add(n.get("details").get("reason").asText());
        }
        assertThat(reasons).containsExactly("start", "daily", "shutdown");
        AuditVerification v = verify();
        assertThat(v.intact()).as(v.problem()).isTrue();
        assertThat(v.checkpoints()).isEqualTo(3);

        // Someone with the chain key but not the signing key appends a checkpoint signed with a key of their own.
        JsonNode last = mapper.readTree(lines.getLast());
        long seq = last.get("seq").asLong();
        String chain = last.get("hash").asText();
        ObjectNode forged = mapper.createObjectNode();
        forged.put("seq", seq + 1);
        forged.put("time", "2026-12-02T02:00:00Z");
        forged.put("actor", "gateway");
        forged.put("action", AuditLog.CHECKPOINT);
        forged.put("outcome", "ok");
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("seq", seq);
        details.put("chain", chain);
        details.put("reason", "daily");
        details.put("signature", AuditChain.sign(AuditKeys.newSigningPair().getPrivate(), seq, chain));
        forged.set("details", mapper.valueToTree(details));
        forged.put("prev", chain);
        String body = mapper.writeValueAsString(forged);
        String line = AuditChain.withHash(body, AuditChain.mac(AuditKeys.readMacKey(keys()), chain, body));
        Files.writeString(file(), line + "\n", StandardOpenOption.APPEND);
        AuditVerification f = verify();
        assertThat(f.intact()).isFalse();
        assertThat(f.brokenLine()).isEqualTo(lines.size() + 1);
        assertThat(f.problem()).contains("signature");
    }

    private static int indexOfTarget(List<String> lines, String target) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains("\"target\":\"" + target + "\"")) return i;
        throw new AssertionError(target + " not in the log");
    }

    /** Applies {@code edit} to line {@code from}, then rehashes it and every later line with plain SHA-256. */
    private List<String> recomputePlain(List<String> lines, int from, java.util.function.UnaryOperator<String> edit)
            throws Exception {
        List<String> out = new ArrayList<>(lines.subList(0, from));
        String prev = from == 0
                ? AuditLog.GENESIS
                : mapper.readTree(lines.get(from - 1)).get("hash").asText();
        for (int i = from; i < lines.size(); i++) {
            String text = i == from ? edit.apply(lines.get(i)) : lines.get(i);
            ObjectNode n = (ObjectNode) mapper.readTree(text);
            n.remove("hash");
            n.put("prev", prev);
            String body = mapper.writeValueAsString(n);
            prev = AuditLog.chainHash(prev, body);
            out.add(AuditChain.withHash(body, prev));
        }
        return out;
    }

    /** Renumbers and rehashes every line with plain SHA-256, as if the log had never been keyed. */
    private List<String> renumberPlain(List<String> lines) throws Exception {
        List<String> out = new ArrayList<>();
        String prev = AuditLog.GENESIS;
        long seq = 0;
        for (String text : lines) {
            ObjectNode n = (ObjectNode) mapper.readTree(text);
            n.remove("hash");
            n.put("seq", ++seq);
            n.put("prev", prev);
            String body = mapper.writeValueAsString(n);
            prev = AuditLog.chainHash(prev, body);
            out.add(AuditChain.withHash(body, prev));
        }
        return out;
    }
}
