package org.openbwc.hal;

/** The vibration motor. */
public interface Haptics {
    void set(boolean on);

    boolean isOn();
}
