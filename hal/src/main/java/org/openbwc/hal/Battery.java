package org.openbwc.hal;

/** The battery fuel gauge. */
public interface Battery {
    BatteryReading read();
}
