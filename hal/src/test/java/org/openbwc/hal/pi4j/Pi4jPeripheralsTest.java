package org.openbwc.hal.pi4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.io.pwm.Pwm;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openbwc.config.ButtonConfig;
import org.openbwc.config.GpioConfig;
import org.openbwc.config.HapticConfig;
import org.openbwc.config.InputConfig;
import org.openbwc.config.LedConfig;

class Pi4jPeripheralsTest {
    private final Context ctx = MockContexts.create();

    @AfterEach
    void shutdown() {
        ctx.shutdown();
    }

    @Test
    void buttonsAreConfiguredFromConfigAndMapActiveLow() {
        Pi4jPeripherals io = Pi4jPeripherals.create("unit-t", ctx, GpioConfig.defaults(), true);
        DigitalInput record = ctx.registry().get(Pi4jPeripherals.RECORD, DigitalInput.class);
        assertThat(record.address())
                .isEqualTo(GpioConfig.defaults().recordButton().pin());
        assertThat(record.pull()).isEqualTo(PullResistance.PULL_UP);
        assertThat(record.config().debounce()).isEqualTo(10_000L);

        List<Boolean> edges = new CopyOnWriteArrayList<>();
        io.recordButton().addListener(edges::add);
        MockDigitalInput line = (MockDigitalInput) record;
        line.mockState(DigitalState.HIGH);
        assertThat(io.recordButton().isPressed()).isFalse();
        line.mockState(DigitalState.LOW);
        assertThat(io.recordButton().isPressed()).isTrue();
        line.mockState(DigitalState.HIGH);
        // The first HIGH is the release from the line's initial LOW (pressed, for active-low) state.
        assertThat(edges).containsExactly(false, true, false);
        assertThat(io.recordButton().name()).isEqualTo("record");
    }

    @Test
    void activeHighButtonGetsPullDownAndHighMeansPressed() {
        GpioConfig d = GpioConfig.defaults();
        GpioConfig gpio = new GpioConfig(
                new ButtonConfig(17, 5_000, false),
                d.functionButton(),
                d.sosButton(),
                d.trigger(),
                d.dockSense(),
                d.greenLed(),
                d.redLed(),
                d.amberLed(),
                d.haptic(),
                d.batteryGauge());
        Pi4jPeripherals io = Pi4jPeripherals.create("unit-t", ctx, gpio, true);
        MockDigitalInput line = ctx.registry().get(Pi4jPeripherals.RECORD, MockDigitalInput.class);
        assertThat(line.pull()).isEqualTo(PullResistance.PULL_DOWN);
        List<Boolean> edges = new CopyOnWriteArrayList<>();
        io.recordButton().addListener(edges::add);
        line.mockState(DigitalState.HIGH);
        assertThat(io.recordButton().isPressed()).isTrue();
        line.mockState(DigitalState.LOW);
        assertThat(edges).containsExactly(true, false);
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() {
        Pi4jPeripherals io = Pi4jPeripherals.create("unit-t", ctx, GpioConfig.defaults(), true);
        List<Boolean> edges = new CopyOnWriteArrayList<>();
        io.sosButton().addListener(active -> {
            throw new IllegalStateException("boom");
        });
        io.sosButton().addListener(edges::add);
        ctx.registry().get(Pi4jPeripherals.SOS, MockDigitalInput.class).mockState(DigitalState.HIGH);
        assertThat(edges).containsExactly(false);
    }

    @Test
    void disabledInputIsNeverActiveAndEnabledOneIsWired() {
        GpioConfig d = GpioConfig.defaults();
        GpioConfig gpio = new GpioConfig(
                d.recordButton(),
                d.functionButton(),
                d.sosButton(),
                new InputConfig(false, 23, 10_000, true),
                new InputConfig(true, 24, 10_000, false),
                d.greenLed(),
                d.redLed(),
                d.amberLed(),
                d.haptic(),
                d.batteryGauge());
        Pi4jPeripherals io = Pi4jPeripherals.create("unit-t", ctx, gpio, true);
        assertThat(ctx.registry().exists(Pi4jPeripherals.TRIGGER)).isFalse();
        assertThat(io.trigger().isActive()).isFalse();
        assertThat(io.trigger().name()).isEqualTo("trigger");

        ctx.registry().get(Pi4jPeripherals.DOCK, MockDigitalInput.class).mockState(DigitalState.HIGH);
        assertThat(io.dock().isActive()).isTrue();
    }

    @Test
    void ledsDriveOutputsOrDimmedPwm() {
        GpioConfig d = GpioConfig.defaults();
        GpioConfig gpio = new GpioConfig(
                d.recordButton(),
                d.functionButton(),
                d.sosButton(),
                d.trigger(),
                d.dockSense(),
                d.greenLed(),
                new LedConfig(6, true, 30),
                d.amberLed(),
                d.haptic(),
                d.batteryGauge());
        Pi4jPeripherals io = Pi4jPeripherals.create("unit-t", ctx, gpio, true);

        DigitalOutput green = ctx.registry().get(Pi4jPeripherals.ledId("green"), DigitalOutput.class);
        assertThat(green.address()).isEqualTo(d.greenLed().pin());
        assertThat(green.isHigh()).isFalse();
        io.greenLed().set(true);
        assertThat(green.isHigh()).isTrue();
        assertThat(io.greenLed().isOn()).isTrue();
        io.greenLed().set(false);
        assertThat(green.isHigh()).isFalse();

        Pwm red = ctx.registry().get(Pi4jPeripherals.ledId("red"), Pwm.class);
        io.redLed().set(true);
        assertThat(red.isOn()).isTrue();
        assertThat(red.getDutyCycle()).isEqualTo(30);
        assertThat(red.getFrequency()).isEqualTo(Pi4jLed.PWM_FREQUENCY_HZ);
        io.redLed().set(false);
        assertThat(io.redLed().isOn()).isFalse();
    }

    @Test
    void pwmLedWithoutSoftwarePwmFallsBackToOnOff() {
        GpioConfig d = GpioConfig.defaults();
        GpioConfig gpio = new GpioConfig(
                d.recordButton(),
                d.functionButton(),
                d.sosButton(),
                d.trigger(),
                d.dockSense(),
                new LedConfig(5, true, 30),
                d.redLed(),
                d.amberLed(),
                d.haptic(),
                d.batteryGauge());
        Pi4jPeripherals io = Pi4jPeripherals.create("unit-t", ctx, gpio, false);
        io.greenLed().set(true);
        assertThat(ctx.registry()
                        .get(Pi4jPeripherals.ledId("green"), DigitalOutput.class)
                        .isHigh())
                .isTrue();
    }

    @Test
    void hapticsRunThePwmAtTheConfiguredFrequencyAndDuty() {
        GpioConfig d = GpioConfig.defaults();
        GpioConfig gpio = new GpioConfig(
                d.recordButton(),
                d.functionButton(),
                d.sosButton(),
                d.trigger(),
                d.dockSense(),
                d.greenLed(),
                d.redLed(),
                d.amberLed(),
                new HapticConfig(18, 0, 1, 200, 70),
                d.batteryGauge());
        Pi4jPeripherals io = Pi4jPeripherals.create("unit-t", ctx, gpio, true);
        Pwm pwm = ctx.registry().get(Pi4jPeripherals.HAPTIC, Pwm.class);
        assertThat(pwm.address()).isEqualTo(1);
        assertThat(io.haptics().isOn()).isFalse();
        io.haptics().set(true);
        assertThat(pwm.isOn()).isTrue();
        assertThat(pwm.getFrequency()).isEqualTo(200);
        assertThat(pwm.getDutyCycle()).isEqualTo(70);
        io.haptics().set(false);
        assertThat(pwm.isOn()).isFalse();
    }
}
