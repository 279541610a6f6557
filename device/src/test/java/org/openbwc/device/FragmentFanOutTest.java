package org.openbwc.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openbwc.device.media.Fragment;
import org.openbwc.device.media.FragmentSink;
import org.openbwc.device.media.InitSegment;

/** The order in which a fragment reaches the unit's sinks is the one evidence depends on (see FragmentFanOut). */
class FragmentFanOutTest {
    static final Instant CUT = Instant.parse("2026-03-01T10:15:30Z");
    static final InitSegment INIT = new InitSegment(new byte[16], "avc1.42c01f", 640, 360, 90_000);
    static final Fragment FRAGMENT = new Fragment(7, new byte[32], true, 0, 200_000, CUT);

    final List<String> calls = new ArrayList<>();
    FragmentFanOut fanOut;

    /** A sink that writes down each call, with what the fan-out said about the last cut at that moment. */
    FragmentSink sink(String name) {
        return new FragmentSink() {
            @Override
            public void onInit(InitSegment init) {
                calls.add(name + " init");
            }

            @Override
            public void onFragment(Fragment fragment) {
                boolean noted = fanOut.lastFragmentCut().equals(fragment.wallClock());
                calls.add(name + " " + fragment.sequence() + (noted ? " (cut noted)" : ""));
            }
        };
    }

    @Test
    void bufferThenWriterThenTheCutThenTheLiveOutputsInTheirOrder() {
        fanOut = new FragmentFanOut(sink("buffer"), sink("writer"), List.of(sink("uplink"), sink("push")));
        assertThat(fanOut.lastFragmentCut()).isEqualTo(Instant.EPOCH);

        fanOut.onInit(INIT);
        fanOut.onFragment(FRAGMENT);

        assertThat(calls)
                .containsExactly(
                        "buffer init",
                        "writer init",
                        "uplink init",
                        "push init",
                        "buffer 7",
                        "writer 7",
                        "uplink 7 (cut noted)",
                        "push 7 (cut noted)");
        assertThat(fanOut.lastFragmentCut()).isEqualTo(CUT);
    }

    @Test
    void withoutLiveOutputsEvidenceStillGetsEverything() {
        fanOut = new FragmentFanOut(sink("buffer"), sink("writer"), List.of());
        fanOut.onInit(INIT);
        fanOut.onFragment(FRAGMENT);
        assertThat(calls).containsExactly("buffer init", "writer init", "buffer 7", "writer 7");
    }

    @Test
    void handingOnAFragmentAllocatesNothing() {
        FragmentSink none = new FragmentSink() {
            @Override
            public void onInit(InitSegment init) {}

            @Override
            public void onFragment(Fragment fragment) {}
        };
        FragmentFanOut quiet = new FragmentFanOut(none, none, List.of(none, none));
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) quiet.onFragment(FRAGMENT); // warm up, so no class loading is counted
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) quiet.onFragment(FRAGMENT);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // A few bytes of slack for the measuring call itself; an allocation per fragment would be 1.6 MB or more.
        assertThat(allocated).isLessThan(1_000);
    }
}
