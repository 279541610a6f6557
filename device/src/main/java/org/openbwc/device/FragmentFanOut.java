package org.openbwc.device;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.openbwc.device.media.Fragment;
import org.openbwc.device.media.FragmentSink;
import org.openbwc.device.media.InitSegment;

/**
 * Hands the camera's one fragment stream to the unit's sinks in the one order that keeps evidence whole.
 *
 * <ol>
 *   <li><b>The pre-event buffer</b> first. The evidence writer opens a recording race-free by accepting fragments
 *       first and taking the buffer's snapshot after, writing a fragment that arrives both ways once (by sequence):
 *       that holds only if every fragment is in the buffer before the writer sees it. A live stream starts from the
 *       same snapshot and skips what it has already sent, so it relies on the same order.</li>
 *   <li><b>The evidence writer</b> next, before anything that is not evidence.</li>
 *   <li>Then the fragment's wall clock becomes {@link #lastFragmentCut()}. A stop waits for the fragment that covers
 *       its instant and then closes the writer, so the writer must have that fragment queued by then: hence after
 *       the writer, never before.</li>
 *   <li><b>The live outputs</b> last, in the order given: a slow live link must never delay evidence (they never
 *       block anyway).</li>
 * </ol>
 *
 * Init segments take the same path (there is no clock to note). Called on the muxer's thread; per fragment it
 * allocates nothing. Sinks must not throw ({@link FragmentSink}). Public so that bench/encode measures this fan-out,
 * not a copy of it.
 */
public final class FragmentFanOut implements FragmentSink {
    private final FragmentSink preEventBuffer;
    private final FragmentSink evidenceWriter;
    private final FragmentSink[] liveOutputs;
    /** Wall clock of the newest fragment the evidence writer has been handed. */
    private volatile Instant lastFragmentCut = Instant.EPOCH;

    public FragmentFanOut(
            FragmentSink preEventBuffer, FragmentSink evidenceWriter, List<? extends FragmentSink> liveOutputs) {
        this.preEventBuffer = Objects.requireNonNull(preEventBuffer, "preEventBuffer");
        this.evidenceWriter = Objects.requireNonNull(evidenceWriter, "evidenceWriter");
        this.liveOutputs = liveOutputs.toArray(FragmentSink[]::new);
    }

    @Override
    public void onInit(InitSegment init) {
        preEventBuffer.onInit(init);
        evidenceWriter.onInit(init);
        for (FragmentSink live : liveOutputs) live.onInit(init);
    }

    @Override
    public void onFragment(Fragment fragment) {
        preEventBuffer.onFragment(fragment);
        evidenceWriter.onFragment(fragment);
        lastFragmentCut = fragment.wallClock();
        for (FragmentSink live : liveOutputs) live.onFragment(fragment);
    }

    /** Wall clock of the newest fragment handed to the evidence writer, {@link Instant#EPOCH} before the first. */
    Instant lastFragmentCut() {
        return lastFragmentCut;
    }
}
