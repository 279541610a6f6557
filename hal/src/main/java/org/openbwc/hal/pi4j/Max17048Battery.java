package org.openbwc.hal.pi4j;

import com.pi4j.io.i2c.I2C;
import org.openbwc.hal.Battery;
import org.openbwc.hal.BatteryReading;
import org.openbwc.hal.BinaryInput;
import org.tinylog.Logger;

/**
 * The MAX17048 fuel gauge on I2C (address 0x36). Registers are 16-bit big-endian.
 *
 * <p>Charging: the gauge itself cannot see the charger. When the dock sense line is wired, charging means
 * "docked and not yet full" (the dock powers the charger). Without it, the gauge's own trend register CRATE
 * (0x16, signed, 0.208 %/h per LSB) decides: charging while SOC rises faster than
 * {@value #CHARGING_RATE_PERCENT_PER_HOUR} %/h, a margin that keeps gauge noise at rest from flickering the flag.
 */
final class Max17048Battery implements Battery {
    static final int DEFAULT_ADDRESS = 0x36;
    static final int REG_VCELL = 0x02;
    static final int REG_SOC = 0x04;
    static final int REG_CRATE = 0x16;
    static final double VOLTS_PER_VCELL_LSB = 78.125e-6;
    static final double PERCENT_PER_HOUR_PER_CRATE_LSB = 0.208;
    /** Below this drain (a few CRATE LSBs of noise) the gauge cannot tell a useful time to empty. */
    static final double MIN_DISCHARGE_PERCENT_PER_HOUR = 1.0;

    static final int MAX_ESTIMATE_MINUTES = 48 * 60;
    static final double CHARGING_RATE_PERCENT_PER_HOUR = 1.0;

    private final I2C gauge;
    private final BinaryInput dockSense;

    /** {@code dockSense} is null when the dock sense line is not wired. */
    Max17048Battery(I2C gauge, BinaryInput dockSense) {
        this.gauge = gauge;
        this.dockSense = dockSense;
    }

    @Override
    public BatteryReading read() {
        int percent = percentFromSoc(readWord(REG_SOC));
        double volts = voltsFromVcell(readWord(REG_VCELL));
        if (dockSense != null) {
            boolean charging = dockSense.isActive() && percent < 100;
            // The trend only refines the estimate here, so a gauge without CRATE (MAX17043) still reports the rest.
            Double rate = null;
            try {
                rate = percentPerHourFromCrate(readWord(REG_CRATE));
            } catch (IllegalStateException e) {
                Logger.debug("MAX17048 CRATE unreadable, no time-to-empty estimate: {}", e.getMessage());
            }
            return new BatteryReading(
                    percent, volts, charging, charging || rate == null ? null : minutesLeft(percent, rate));
        }
        double rate = percentPerHourFromCrate(readWord(REG_CRATE));
        boolean charging = rate > CHARGING_RATE_PERCENT_PER_HOUR;
        return new BatteryReading(percent, volts, charging, charging ? null : minutesLeft(percent, rate));
    }

    /** Time to empty at the gauge's current discharge rate; null when it is not discharging measurably. */
    static Integer minutesLeft(int percent, double percentPerHour) {
        if (percentPerHour > -MIN_DISCHARGE_PERCENT_PER_HOUR) return null;
        return (int) Math.min(MAX_ESTIMATE_MINUTES, Math.round(percent / -percentPerHour * 60));
    }

    /** SOC high byte is whole percent (low byte is 1/256 %); the gauge reports a little above 100 when topped off. */
    static int percentFromSoc(int socWord) {
        return Math.min(100, (socWord >>> 8) & 0xFF);
    }

    static double voltsFromVcell(int vcellWord) {
        return (vcellWord & 0xFFFF) * VOLTS_PER_VCELL_LSB;
    }

    static double percentPerHourFromCrate(int crateWord) {
        return (short) crateWord * PERCENT_PER_HOUR_PER_CRATE_LSB;
    }

    private int readWord(int register) {
        byte[] bytes = new byte[2];
        int read;
        try {
            read = gauge.readRegister(register, bytes, 0, 2);
        } catch (RuntimeException e) {
            throw new IllegalStateException(describe(register) + " read failed: " + e.getMessage(), e);
        }
        if (read != 2) throw new IllegalStateException(describe(register) + " returned " + read + " bytes, expected 2");
        return ((bytes[0] & 0xFF) << 8) | (bytes[1] & 0xFF);
    }

    private String describe(int register) {
        return String.format(
                "MAX17048 on i2c bus %d address 0x%02x register 0x%02x", gauge.bus(), gauge.device(), register);
    }
}
