package org.openbwc.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * The custody log's hash chain: the one definition of what an entry's hash covers and how it is encoded.
 *
 * <p>An entry's hash is SHA-256, in lower-case hex, over {@link #canonical}: the tag {@code openbwc-custody-v1}, then
 * recording id, seq, time, actor, address, action, details and the previous entry's hash, each as a field. A field is
 * a 4-byte big-endian length followed by that many bytes of UTF-8, or the length -1 and no bytes for null. Why this
 * and not JSON: a length prefix makes the encoding unambiguous with no escaping at all (no field's bytes can be read as
 * the next field's, {@code ("a|b", "c")} and {@code ("a", "b|c")} differ, null differs from the empty string), and a
 * verifier in any language reproduces it in a few lines, where canonical JSON needs agreed rules for escapes, Unicode
 * normalization and number formats that no JDK library provides. The time is {@code uuuu-MM-ddTHH:mm:ss.SSSSSSZ} in
 * UTC (microseconds, as the database keeps it), seq its decimal digits, the action its wire name.
 */
public final class CustodyChain {

    /** The previous hash of a recording's first entry. */
    public static final String GENESIS = "0".repeat(64);

    private static final byte[] TAG = "openbwc-custody-v1".getBytes(StandardCharsets.UTF_8);

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private CustodyChain() {}

    /** The entry's hash, computed from its fields and {@code prevHash} (its own {@code hash} is ignored). */
    public static String hash(CustodyEntry e, String prevHash) {
        return HexFormat.of().formatHex(sha256().digest(canonical(e, prevHash)));
    }

    /** The bytes the hash is taken over; see the class comment. */
    static byte[] canonical(CustodyEntry e, String prevHash) {
        String[] fields = {
            e.recordingId(),
            Long.toString(e.seq()),
            time(e.at()),
            e.actor(),
            e.address(),
            e.action().wireName(),
            e.details(),
            prevHash
        };
        byte[][] bytes = new byte[fields.length][];
        int size = 4 + TAG.length;
        for (int i = 0; i < fields.length; i++) {
            bytes[i] = fields[i] == null ? null : fields[i].getBytes(StandardCharsets.UTF_8);
            size += 4 + (bytes[i] == null ? 0 : bytes[i].length);
        }
        ByteBuffer out = ByteBuffer.allocate(size); // big-endian
        out.putInt(TAG.length).put(TAG);
        for (byte[] b : bytes) {
            if (b == null) out.putInt(-1);
            else out.putInt(b.length).put(b);
        }
        return out.array();
    }

    /** The time as the encoding writes it. */
    static String time(Instant at) {
        return TIME.format(Times.micros(at));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e); // required by the Java SE spec
        }
    }
}
