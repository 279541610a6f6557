package org.openbwc.hal;

/** A momentary push button; reports raw press/release edges, gestures are decoded by the device. */
public interface Button {
    /** Logical name: record, function or sos. */
    String name();

    boolean isPressed();

    /** Listener is called on the thread that observed the edge (a Pi4J event thread); keep it short. */
    void addListener(EdgeListener listener);
}
