package org.openbwc.hal.pi4j;

import com.pi4j.context.Context;
import com.pi4j.io.pwm.Pwm;
import com.pi4j.io.pwm.PwmType;
import org.openbwc.config.HapticConfig;
import org.openbwc.hal.Haptics;
import org.tinylog.Logger;

/** The vibration motor on a PWM channel (linuxfs sysfs PWM on the board, the mock PWM provider on a laptop). */
final class Pi4jHaptics implements Haptics {
    static final String IO_ID = "haptic";

    private final String unitId;
    private final Pwm pwm;
    private final int frequencyHz;
    private final int dutyPercent;

    Pi4jHaptics(String unitId, Pwm pwm, int frequencyHz, int dutyPercent) {
        if (frequencyHz <= 0) throw new IllegalArgumentException("haptic frequencyHz " + frequencyHz + " must be > 0");
        if (dutyPercent < 0 || dutyPercent > 100) {
            throw new IllegalArgumentException("haptic dutyPercent " + dutyPercent + " is out of range 0..100");
        }
        this.unitId = unitId;
        this.pwm = pwm;
        this.frequencyHz = frequencyHz;
        this.dutyPercent = dutyPercent;
    }

    /** The PWM address is the channel; the chip is chosen when the PWM provider is built (see {@code PiHardware}). */
    static Pi4jHaptics create(String unitId, Context ctx, HapticConfig config) {
        Pwm pwm = ctx.create(Pwm.newConfigBuilder(ctx)
                .id(IO_ID)
                .name("haptic motor")
                .address(config.pwmChannel())
                .pwmType(PwmType.HARDWARE)
                .frequency(config.frequencyHz())
                .dutyCycle(config.dutyPercent())
                .initial(0)
                .shutdown(0));
        return new Pi4jHaptics(unitId, pwm, config.frequencyHz(), config.dutyPercent());
    }

    @Override
    public void set(boolean on) {
        Logger.trace("{}: haptic {}", unitId, on ? "on" : "off");
        if (on) pwm.on(dutyPercent, frequencyHz);
        else pwm.off();
    }

    @Override
    public boolean isOn() {
        return pwm.isOn();
    }
}
