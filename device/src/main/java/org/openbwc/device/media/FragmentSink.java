package org.openbwc.device.media;

/**
 * A consumer of the one fragment stream (pre-event buffer, evidence writer, live uplink). Called on the muxer's
 * thread in stream order; implementations must be quick and must not throw (a failing consumer must not stop the
 * camera), so they hand heavy work (fsync, network) to their own thread.
 */
public interface FragmentSink {
    /** The stream (re)started with this init segment; fragments that follow belong to it. */
    void onInit(InitSegment init);

    void onFragment(Fragment fragment);
}
