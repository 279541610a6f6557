package org.openbwc.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One binary message of a unit's live uplink (unit → gateway WebSocket): the encoder's init segment or one fMP4
 * fragment, with the facts the relay and the player need. Layout, big-endian: magic "BWL1", kind (0 init, 1
 * fragment), flags (bit 0: the fragment starts with a keyframe), 2 reserved bytes, sequence, capture wall-clock of
 * the fragment's first frame (epoch ms; 0 for init), media time of its first sample (ms; -1 for init), then the MP4
 * bytes.
 */
public record LiveFrame(
        Kind kind, boolean keyframe, long sequence, long captureEpochMillis, long mediaStartMillis, byte[] payload) {

    /** What the payload is. */
    public enum Kind {
        INIT,
        FRAGMENT
    }

    public static final int HEADER_BYTES = 32;
    private static final byte[] MAGIC = "BWL1".getBytes(StandardCharsets.US_ASCII);

    public LiveFrame {
        Objects.requireNonNull(kind, "kind is required");
        Objects.requireNonNull(payload, "payload is required");
    }

    public static LiveFrame init(byte[] initSegment) {
        return new LiveFrame(Kind.INIT, true, 0, 0, -1, initSegment);
    }

    public ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        b.put(MAGIC)
                .put((byte) kind.ordinal())
                .put((byte) (keyframe ? 1 : 0))
                .putShort((short) 0)
                .putLong(sequence)
                .putLong(captureEpochMillis)
                .putLong(mediaStartMillis)
                .put(payload);
        return b.flip();
    }

    /** @throws IllegalArgumentException saying what is wrong with the message */
    public static LiveFrame decode(ByteBuffer message) {
        if (message.remaining() < HEADER_BYTES) {
            throw new IllegalArgumentException("live message of " + message.remaining() + " bytes is shorter than its "
                    + HEADER_BYTES + "-byte header");
        }
        ByteBuffer b = message.duplicate();
        byte[] magic = new byte[4];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC)) throw new IllegalArgumentException("live message does not start with BWL1");
        int kind = b.get();
        if (kind < 0 || kind > 1)
            throw new IllegalArgumentException("live message kind " + kind + " is unknown (0 init, 1 fragment)");
        boolean keyframe = (b.get() & 1) != 0;
        b.getShort();
        long sequence = b.getLong();
        long capture = b.getLong();
        long media = b.getLong();
        byte[] payload = new byte[b.remaining()];
        b.get(payload);
        if (payload.length == 0) throw new IllegalArgumentException("live message carries no MP4 bytes");
        return new LiveFrame(Kind.values()[kind], keyframe, sequence, capture, media, payload);
    }
}
