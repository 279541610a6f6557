package org.openbwc.device.evidence;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.openbwc.device.media.Fragment;
import org.openbwc.device.media.InitSegment;

/** Fragments of made-up bytes with the timing of a real stream, for the logic that never parses media. */
final class SyntheticStream {
    static final Instant EPOCH = Instant.parse("2025-03-01T09:00:00Z");

    private final int fragmentsPerGop;
    private final long fragmentMicros;
    private final int fragmentBytes;
    private long nextSeq = 1;

    SyntheticStream(int fragmentsPerGop, long fragmentMicros, int fragmentBytes) {
        this.fragmentsPerGop = fragmentsPerGop;
        this.fragmentMicros = fragmentMicros;
        this.fragmentBytes = fragmentBytes;
    }

    /** 5 fragments of 200 ms per 1 s GOP, 2 kB each. */
    static SyntheticStream standard() {
        return new SyntheticStream(5, 200_000, 2_000);
    }

    private static final java.util.Map<String, InitSegment> INITS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The same instance per tag, so tests can compare inits with equals. */
    static InitSegment init(String tag) {
        return INITS.computeIfAbsent(
                tag,
                t -> new InitSegment(
                        ("ftyp+moov init " + t).getBytes(StandardCharsets.US_ASCII), "avc1.42C01F", 320, 240, 90_000));
    }

    Fragment next() {
        long seq = nextSeq++;
        return fragment(seq, fragmentBytes);
    }

    Fragment fragment(long seq, int size) {
        byte[] bytes = new byte[size];
        new Random(seq * 7919).nextBytes(bytes);
        long start = (seq - 1) * fragmentMicros;
        boolean keyframe = (seq - 1) % fragmentsPerGop == 0;
        return new Fragment(
                seq,
                bytes,
                keyframe,
                start,
                fragmentMicros,
                EPOCH.plus(Duration.ofNanos((start + fragmentMicros) * 1000)));
    }

    List<Fragment> next(int count) {
        List<Fragment> list = new ArrayList<>();
        for (int i = 0; i < count; i++) list.add(next());
        return list;
    }

    long nextSeq() {
        return nextSeq;
    }

    void skip(int count) {
        nextSeq += count;
    }
}
