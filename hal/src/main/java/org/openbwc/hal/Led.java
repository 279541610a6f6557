package org.openbwc.hal;

/** One indicator LED. */
public interface Led {
    /** Logical name: green, red or amber. */
    String name();

    void set(boolean on);

    boolean isOn();
}
