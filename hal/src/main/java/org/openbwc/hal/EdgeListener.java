package org.openbwc.hal;

/** Receives debounced edges of a binary input: {@code active} is true when pressed / asserted. */
@FunctionalInterface
public interface EdgeListener {
    void onEdge(boolean active);
}
