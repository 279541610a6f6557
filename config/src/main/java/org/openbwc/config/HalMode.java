package org.openbwc.config;

/** Which hardware layer a unit runs on; written {@code mock} or {@code pi} in YAML. */
public enum HalMode {
    /** Simulated buttons, LEDs, battery and GNSS, for laptops and tests. */
    MOCK,
    /** Real Raspberry Pi GPIO, I2C and camera. */
    PI
}
