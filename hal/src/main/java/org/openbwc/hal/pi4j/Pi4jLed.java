package org.openbwc.hal.pi4j;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.pwm.Pwm;
import com.pi4j.io.pwm.PwmType;
import org.openbwc.config.LedConfig;
import org.openbwc.hal.Led;
import org.tinylog.Logger;

/**
 * An indicator LED driven through Pi4J: a plain GPIO output, or a software PWM on its GPIO pin when it is dimmed.
 * Dimming needs a context whose PWM provider does software PWM (the mock one does; linuxfs, the board's, does
 * not): without it a {@code pwm: true} LED is driven on/off at full brightness and a warning says so.
 */
final class Pi4jLed implements Led {
    /** Well above flicker fusion and camera frame rates, well below what any PWM block can do. */
    static final int PWM_FREQUENCY_HZ = 1_000;

    private final String name;
    private final DigitalOutput output;
    private final Pwm pwm;
    private final int dutyPercent;

    private Pi4jLed(String name, DigitalOutput output, Pwm pwm, int dutyPercent) {
        this.name = name;
        this.output = output;
        this.pwm = pwm;
        this.dutyPercent = dutyPercent;
    }

    static Pi4jLed onOutput(String name, DigitalOutput output) {
        return new Pi4jLed(name, output, null, 100);
    }

    static Pi4jLed onPwm(String name, Pwm pwm, int dutyPercent) {
        if (dutyPercent < 0 || dutyPercent > 100) {
            throw new IllegalArgumentException(
                    "LED " + name + " brightnessPercent " + dutyPercent + " is out of range 0..100");
        }
        return new Pi4jLed(name, null, pwm, dutyPercent);
    }

    /** Creates the Pi4J output with Pi4J id {@code ioId}; the LED is off at start and when the context shuts down. */
    static Pi4jLed create(String unitId, Context ctx, String name, String ioId, LedConfig config, boolean softwarePwm) {
        if (config.pwm() && !softwarePwm) {
            Logger.warn(
                    "{}: LED {} asks for pwm dimming, but this board has no software PWM provider; "
                            + "driving it on/off at full brightness",
                    unitId,
                    name);
        }
        if (config.pwm() && softwarePwm) {
            Pwm pwm = ctx.create(Pwm.newConfigBuilder(ctx)
                    .id(ioId)
                    .name(name + " LED")
                    .address(config.pin())
                    .pwmType(PwmType.SOFTWARE)
                    .frequency(PWM_FREQUENCY_HZ)
                    .dutyCycle(config.brightnessPercent())
                    .initial(0)
                    .shutdown(0));
            return onPwm(name, pwm, config.brightnessPercent());
        }
        DigitalOutput output = ctx.create(DigitalOutput.newConfigBuilder(ctx)
                .id(ioId)
                .name(name + " LED")
                .address(config.pin())
                .initial(DigitalState.LOW)
                .shutdown(DigitalState.LOW));
        return onOutput(name, output);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void set(boolean on) {
        Logger.trace("LED {} {}", name, on ? "on" : "off");
        if (pwm != null) {
            if (on) pwm.on(dutyPercent, PWM_FREQUENCY_HZ);
            else pwm.off();
        } else {
            output.state(on ? DigitalState.HIGH : DigitalState.LOW);
        }
    }

    @Override
    public boolean isOn() {
        return pwm != null ? pwm.isOn() : output.isHigh();
    }

    @Override
    public String toString() {
        return "Pi4jLed[" + name + (pwm != null ? ", pwm " + dutyPercent + "%" : "") + "]";
    }
}
