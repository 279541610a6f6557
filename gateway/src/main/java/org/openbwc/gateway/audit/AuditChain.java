package org.openbwc.gateway.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The audit log's chain arithmetic (plain and keyed hashes, checkpoint signatures) and its verifier. */
final class AuditChain {

    /** A line ends with its hash, the last member; what precedes it (closed with '}') is what was hashed. */
    private static final Pattern HASH_TAIL = Pattern.compile(",\"hash\":\"([0-9a-f]{64})\"}$");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AuditChain() {}

    static String sha256(String previous, String body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(previous.getBytes(StandardCharsets.US_ASCII));
            sha.update(body.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    static String mac(byte[] key, String previous, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(previous.getBytes(StandardCharsets.US_ASCII));
            mac.update(body.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** The line as written: the entry's JSON with {@code "hash"} as its last member. */
    static String withHash(String body, String hash) {
        return body.substring(0, body.length() - 1) + ",\"hash\":\"" + hash + "\"}";
    }

    /** What a checkpoint signs: the sequence number and chain value of the entry before it. */
    static byte[] checkpointMessage(long seq, String chain) {
        return ("openbwc audit checkpoint\nseq=" + seq + "\nchain=" + chain + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static String sign(PrivateKey key, long seq, String chain) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(checkpointMessage(seq, chain));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign an audit checkpoint with Ed25519", e);
        }
    }

    static boolean signatureValid(PublicKey key, long seq, String chain, String signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(checkpointMessage(seq, chain));
            return s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether a line's hash is the keyed one. */
    static boolean keyed(byte[] key, String line) {
        Line l = Line.of(line);
        return l != null && l.hash.equals(mac(key, l.prev, l.body));
    }

    /** Whether a line's hash is the plain SHA-256 one. */
    static boolean plain(String line) {
        Line l = Line.of(line);
        return l != null && l.hash.equals(sha256(l.prev, l.body));
    }

    /** A written line split into what was hashed, its prev and its hash; null when it has no hash at its end. */
    private record Line(String body, String prev, String hash, JsonNode json) {
        static Line of(String text) {
            Matcher m = HASH_TAIL.matcher(text);
            if (!m.find()) return null;
            try {
                JsonNode json = MAPPER.readTree(text);
                if (!json.isObject()) return null;
                return new Line(
                        text.substring(0, m.start()) + "}", json.path("prev").asText(""), m.group(1), json);
            } catch (JsonProcessingException e) {
                return null;
            }
        }
    }

    static AuditVerification verify(Path file, byte[] key, PublicKey publicKey) {
        return verify(file, key, publicKey, Long.MAX_VALUE);
    }

    /** As {@link #verify(Path, byte[], PublicKey)}, over the first {@code bytes} of the file only. */
    static AuditVerification verify(Path file, byte[] key, PublicKey publicKey, long bytes) {
        long lineNo = 0;
        String prev = AuditLog.GENESIS;
        boolean keyedPart = false;
        Tally t = new Tally();
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(new Prefix(Files.newInputStream(file), bytes), StandardCharsets.UTF_8))) {
            for (String text = in.readLine(); text != null; text = in.readLine()) {
                lineNo++;
                if (text.isBlank()) continue;
                try {
                    MAPPER.readTree(text);
                } catch (JsonProcessingException e) {
                    // A power cut mid-write leaves a torn line; the next entry chains to the one before it, so a
                    // line replaced by garbage still breaks the chain at the next line.
                    t.torn++;
                    continue;
                }
                Line line = Line.of(text);
                if (line == null) return t.broken(lineNo, "has no hash at its end");
                long lineSeq = line.json.path("seq").asLong(-1);
                if (!line.prev.equals(prev)) {
                    return t.broken(
                            lineNo,
                            "does not follow the entry before it (seq " + t.seq + "): an entry was removed or changed");
                }
                if (lineSeq != t.seq + 1) {
                    return t.broken(lineNo, "has seq " + lineSeq + " where " + (t.seq + 1) + " was expected");
                }
                String action = line.json.path("action").asText();
                if (AuditLog.KEYED.equals(action)) keyedPart = true;
                String expected = keyedPart ? mac(key, prev, line.body) : sha256(prev, line.body);
                if (!expected.equals(line.hash)) {
                    return t.broken(
                            lineNo,
                            keyedPart
                                    ? "its HMAC does not match: the entry was changed, or the chain was recomputed without"
                                            + " the key"
                                    : "its SHA-256 does not match: the entry was changed");
                }
                if (AuditLog.CHECKPOINT.equals(action)) {
                    JsonNode d = line.json.path("details");
                    boolean valid = keyedPart
                            && d.path("seq").asLong(-1) == t.seq
                            && d.path("chain").asText("").equals(prev)
                            && signatureValid(
                                    publicKey, t.seq, prev, d.path("signature").asText(""));
                    if (!valid) {
                        return t.broken(
                                lineNo, "is a checkpoint whose signature does not verify with the audit public key");
                    }
                    t.checkpoints++;
                    t.lastCheckpointSeq = lineSeq;
                    t.lastCheckpointAt = time(line.json);
                }
                t.entries++;
                if (!keyedPart) t.unkeyed++;
                t.seq = lineSeq;
                prev = line.hash;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit log " + file.toAbsolutePath(), e);
        }
        if (t.entries > 0 && !keyedPart) {
            // The gateway marks the keyed chain's start when it opens any log; a log without the mark was rewritten.
            return t.broken(1, "has no keyed part (no audit.keyed entry): the chain was recomputed without the key");
        }
        return t.result(true, 0, "");
    }

    /** What the verifier has counted so far, and the last checkpoint that verified; one result is made from it. */
    private static final class Tally {
        long entries;
        long unkeyed;
        int checkpoints;
        int torn;
        long seq;
        long lastCheckpointSeq;
        Instant lastCheckpointAt;

        AuditVerification broken(long lineNo, String problem) {
            return result(false, lineNo, "line " + lineNo + " " + problem);
        }

        AuditVerification result(boolean intact, long brokenLine, String problem) {
            return new AuditVerification(
                    intact,
                    entries,
                    unkeyed,
                    checkpoints,
                    seq,
                    torn,
                    brokenLine,
                    problem,
                    lastCheckpointSeq,
                    lastCheckpointAt);
        }
    }

    private static Instant time(JsonNode entry) {
        try {
            return Instant.parse(entry.path("time").asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * The first bytes of a stream: a log being appended to is checked up to where it ended when the check began, so
     * a line half-written meanwhile is not mistaken for a torn one.
     */
    private static final class Prefix extends FilterInputStream {
        private long left;

        Prefix(InputStream in, long bytes) {
            super(in);
            this.left = bytes;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) return -1;
            int b = super.read();
            if (b >= 0) left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }
    }
}
