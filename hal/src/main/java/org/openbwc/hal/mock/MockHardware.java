package org.openbwc.hal.mock;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.i2c.MockI2CProvider;
import com.pi4j.plugin.mock.provider.pwm.MockPwmProvider;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openbwc.config.GnssConfig;
import org.openbwc.config.GpioConfig;
import org.openbwc.config.InputConfig;
import org.openbwc.config.MockConfig;
import org.openbwc.config.UnitConfig;
import org.openbwc.hal.Gnss;
import org.openbwc.hal.Hardware;
import org.openbwc.hal.gnss.GpsdGnss;
import org.openbwc.hal.pi4j.Pi4jPeripherals;
import org.openbwc.hal.system.FileStoreStorage;
import org.tinylog.Logger;

/**
 * The laptop emulator: a unit's {@link Hardware} on Pi4J mock providers, plus the {@link VirtualUnitControls} that
 * play the officer's hands and the world around the unit. Buttons, inputs, LEDs and haptics are the board's own
 * Pi4J classes in a mock context; each unit gets its own context, so several units can share one JVM and the
 * same pin numbers. Closing this (or just its {@code hardware}) stops the controls and shuts the context down.
 */
public record MockHardware(Hardware hardware, VirtualUnitControls controls) implements AutoCloseable {
    private static final Pattern LAST_NUMBER = Pattern.compile("(\\d+)(?!.*\\d)");

    /** The emulated unit with default {@link MockOptions}; see {@link #create(UnitConfig, Path, MockOptions)}. */
    public static MockHardware create(UnitConfig config, Path evidenceDir) {
        return create(config, evidenceDir, MockOptions.defaults());
    }

    /**
     * Builds the emulated unit: battery and clock from {@code config.mock()}, position from {@code config.gnss()}
     * (GPX replay of {@code gpxFile}, where {@code bundled} or {@code bundled:N} picks a bundled Berlin track,
     * see {@link GpxTrack#load}; gpsd; or none), storage readings of the file system of {@code evidenceDir} (the
     * folder the device keeps its recordings in; created if missing). Buttons and inputs start released.
     */
    public static MockHardware create(UnitConfig config, Path evidenceDir, MockOptions options) {
        String unitId = config.unitId();
        Context ctx = mockContext();
        Gnss gnss = null;
        VirtualUnitControls controls = null;
        try {
            GpioConfig gpio = config.gpio();
            Pi4jPeripherals io = Pi4jPeripherals.create(unitId, ctx, gpio, true);
            Map<String, VirtualUnitControls.Line> buttons = new LinkedHashMap<>();
            buttons.put(
                    Pi4jPeripherals.RECORD,
                    restingLine(ctx, Pi4jPeripherals.RECORD, gpio.recordButton().activeLow()));
            buttons.put(
                    Pi4jPeripherals.FUNCTION,
                    restingLine(
                            ctx, Pi4jPeripherals.FUNCTION, gpio.functionButton().activeLow()));
            buttons.put(
                    Pi4jPeripherals.SOS,
                    restingLine(ctx, Pi4jPeripherals.SOS, gpio.sosButton().activeLow()));
            VirtualUnitControls.Line trigger = optionalLine(ctx, Pi4jPeripherals.TRIGGER, gpio.trigger());
            VirtualUnitControls.Line dock = optionalLine(ctx, Pi4jPeripherals.DOCK, gpio.dockSense());

            MockConfig mock = config.mock();
            SimulatedBattery battery = new SimulatedBattery(
                    mock.batteryStartPercent(), mock.batteryDrainPercentPerHour(), options.timeSource());
            gnss = gnss(config, options);
            MockClock clock = new MockClock(options.timeSource(), mock.clockSet());
            AdjustableStorage storage = new AdjustableStorage(FileStoreStorage.open(evidenceDir));
            MockSpeaker speaker = new MockSpeaker(options.timeSource());
            MockMicrophone microphone = MockMicrophone.attach(unitId);
            controls = new VirtualUnitControls(
                    unitId, ctx, buttons, trigger, dock, battery, gnss, clock, storage, speaker, options);

            VirtualUnitControls ownedControls = controls;
            AtomicBoolean closed = new AtomicBoolean();
            AutoCloseable resources = () -> {
                if (closed.getAndSet(true)) return;
                MockMicrophone.detach(unitId, microphone);
                try {
                    ownedControls.close();
                } finally {
                    ctx.shutdown();
                    Logger.info("{}: mock hardware closed", unitId);
                }
            };
            Hardware hardware = new Hardware(
                    io.recordButton(),
                    io.functionButton(),
                    io.sosButton(),
                    io.trigger(),
                    io.dock(),
                    io.greenLed(),
                    io.redLed(),
                    io.amberLed(),
                    io.haptics(),
                    speaker,
                    battery,
                    gnss,
                    clock,
                    storage,
                    new SimulatedRadio(gnss),
                    resources);
            Logger.info(
                    "{}: mock hardware ready (gnss {}, battery {}%, clock {})",
                    unitId, describe(gnss), mock.batteryStartPercent(), mock.clockSet() ? "set" : "unset");
            return new MockHardware(hardware, controls);
        } catch (RuntimeException e) {
            if (controls != null) controls.close();
            if (gnss != null) gnss.close();
            ctx.shutdown();
            throw e;
        }
    }

    /** Closes the hardware; the emulator's resources throw no checked exceptions, so neither does this. */
    @Override
    public void close() {
        try {
            hardware.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing mock hardware of unit " + controls.unitId() + " failed", e);
        }
    }

    /** A context with only the mock platform and providers, built explicitly: auto-detection could pick real ones. */
    static Context mockContext() {
        return Pi4J.newContextBuilder()
                .noAutoDetect()
                .add(new MockPlatform())
                .add(
                        MockDigitalInputProvider.newInstance(),
                        MockDigitalOutputProvider.newInstance(),
                        MockPwmProvider.newInstance(),
                        MockI2CProvider.newInstance())
                // Hardware.close() shuts the context down; a JVM hook per emulated unit would only pile up.
                .disableShutdownHook()
                .build();
    }

    private static VirtualUnitControls.Line restingLine(Context ctx, String id, boolean activeLow) {
        VirtualUnitControls.Line line =
                new VirtualUnitControls.Line(ctx.registry().get(id, MockDigitalInput.class), activeLow);
        // The mock line starts LOW, which an active-low input would read as pressed.
        line.drive(false);
        return line;
    }

    private static VirtualUnitControls.Line optionalLine(Context ctx, String id, InputConfig config) {
        return config.enabled() ? restingLine(ctx, id, config.activeLow()) : null;
    }

    private static Gnss gnss(UnitConfig config, MockOptions options) {
        GnssConfig gnss = config.gnss();
        return switch (gnss.source()) {
            case GPX -> {
                int trackNumber =
                        options.trackNumber() != null ? options.trackNumber() : trackNumberOf(config.unitId());
                GpxTrack track = GpxTrack.load(gnss.gpxFile(), trackNumber);
                yield new GpxReplay(track, config.mock().gpxSpeedFactor(), options.timeSource());
            }
            case GPSD -> GpsdGnss.connect(config.unitId(), gnss.gpsdHost(), gnss.gpsdPort());
            case NONE -> Optional::empty;
        };
    }

    /** The last number in the unit id ("bwc-0042" gives 42), so each demo unit takes a different bundled track. */
    static int trackNumberOf(String unitId) {
        Matcher m = LAST_NUMBER.matcher(unitId);
        if (m.find()) {
            String digits = m.group(1);
            return Integer.parseInt(digits.substring(Math.max(0, digits.length() - 9)));
        }
        return Math.floorMod(unitId.hashCode(), GpxTrack.BUNDLED_COUNT) + 1;
    }

    private static String describe(Gnss gnss) {
        return switch (gnss) {
            case GpxReplay replay -> "replay of " + replay.track().source();
            case GpsdGnss ignored -> "gpsd";
            default -> "none";
        };
    }
}
