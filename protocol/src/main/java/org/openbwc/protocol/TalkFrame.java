package org.openbwc.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One binary message of the control room's voice, going down a unit's live uplink (gateway → unit) while a call is
 * open. Layout, big-endian: magic "BWT1", codec (0 Opus packet, 1 signed 16-bit little-endian mono PCM), 3 reserved
 * bytes, the call's tag ({@link #tagOf} its callId), sequence, capture wall-clock in the browser (epoch ms), then the
 * audio: one Opus packet of 48 kHz mono, or PCM at 48 kHz.
 */
public record TalkFrame(Codec codec, int callTag, int sequence, long captureEpochMillis, byte[] payload) {

    /** How the payload is coded. */
    public enum Codec {
        OPUS,
        PCM_S16LE
    }

    public static final int HEADER_BYTES = 24;
    /** 100 ms of 48 kHz PCM; an Opus packet of 20 ms is a few hundred bytes. Larger messages are refused. */
    public static final int MAX_PAYLOAD_BYTES = 9_600;

    private static final byte[] MAGIC = "BWT1".getBytes(StandardCharsets.US_ASCII);

    public TalkFrame {
        Objects.requireNonNull(codec, "codec is required");
        Objects.requireNonNull(payload, "payload is required");
        if (payload.length == 0) throw new IllegalArgumentException("talk frame carries no audio");
        if (payload.length > MAX_PAYLOAD_BYTES)
            throw new IllegalArgumentException(
                    "talk frame of " + payload.length + " bytes of audio exceeds " + MAX_PAYLOAD_BYTES);
        if (codec == Codec.PCM_S16LE && payload.length % 2 != 0)
            throw new IllegalArgumentException("PCM talk frame has an odd number of bytes (" + payload.length + ")");
    }

    /** The 32-bit tag a frame carries for its call, so neither side has to send the whole id with each 20 ms. */
    public static int tagOf(String callId) {
        Objects.requireNonNull(callId, "callId is required");
        byte[] b = callId.getBytes(StandardCharsets.UTF_8);
        int h = 0x811c9dc5; // FNV-1a: the browser computes the same in a few lines
        for (byte x : b) {
            h ^= x & 0xff;
            h *= 0x01000193;
        }
        return h;
    }

    public ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        b.put(MAGIC)
                .put((byte) codec.ordinal())
                .put((byte) 0)
                .putShort((short) 0)
                .putInt(callTag)
                .putInt(sequence)
                .putLong(captureEpochMillis)
                .put(payload);
        return b.flip();
    }

    /** @throws IllegalArgumentException saying what is wrong with the message */
    public static TalkFrame decode(ByteBuffer message) {
        if (message.remaining() < HEADER_BYTES) {
            throw new IllegalArgumentException("talk message of " + message.remaining() + " bytes is shorter than its "
                    + HEADER_BYTES + "-byte header");
        }
        if (message.remaining() > HEADER_BYTES + MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException(
                    "talk message of " + message.remaining() + " bytes exceeds " + (HEADER_BYTES + MAX_PAYLOAD_BYTES));
        }
        ByteBuffer b = message.duplicate();
        byte[] magic = new byte[4];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC)) throw new IllegalArgumentException("talk message does not start with BWT1");
        int codec = b.get();
        if (codec < 0 || codec > 1)
            throw new IllegalArgumentException("talk codec " + codec + " is unknown (0 Opus, 1 PCM s16le)");
        b.get();
        b.getShort();
        int tag = b.getInt();
        int seq = b.getInt();
        long capture = b.getLong();
        byte[] payload = new byte[b.remaining()];
        b.get(payload);
        return new TalkFrame(Codec.values()[codec], tag, seq, capture, payload);
    }
}
