package org.openbwc.hal;

/** A two-state sensor input such as the external trigger (holster, light bar) or the dock sense line. */
public interface BinaryInput {
    String name();

    boolean isActive();

    void addListener(EdgeListener listener);
}
