package org.openbwc.hal.pi4j;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.i2c.I2C;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.linuxfs.provider.i2c.LinuxFsI2CProvider;
import com.pi4j.plugin.linuxfs.provider.pwm.LinuxFsPwmProvider;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openbwc.config.BatteryGaugeConfig;
import org.openbwc.config.GnssConfig;
import org.openbwc.config.UnitConfig;
import org.openbwc.hal.Battery;
import org.openbwc.hal.DeviceClock;
import org.openbwc.hal.Gnss;
import org.openbwc.hal.Hardware;
import org.openbwc.hal.StorageInfo;
import org.openbwc.hal.gnss.GpsdGnss;
import org.openbwc.hal.mock.GpxReplay;
import org.openbwc.hal.mock.GpxTrack;
import org.openbwc.hal.system.FileStoreStorage;
import org.openbwc.hal.system.JavaSoundSpeaker;
import org.openbwc.hal.system.SystemDeviceClock;
import org.openbwc.hal.system.WirelessProcRadio;
import org.tinylog.Logger;

/**
 * The real board: GPIO through libgpiod, PWM and I2C through Linux sysfs/devfs, the MAX17048 fuel gauge, gpsd,
 * the system clock and the evidence file system. Closing the returned {@link Hardware} releases every line.
 */
public final class PiHardware {
    private PiHardware() {}

    /**
     * Opens the board's peripherals as {@code config} wires them; storage readings are of the file system of
     * {@code evidenceDir} (the folder the device keeps its recordings in; created if missing).
     */
    public static Hardware create(UnitConfig config, Path evidenceDir) {
        Context ctx = boardContext(config);
        Gnss gnss = null;
        try {
            gnss = gnss(config);
            return assemble(config, evidenceDir, ctx, gnss, SystemDeviceClock.create());
        } catch (RuntimeException e) {
            if (gnss != null) gnss.close();
            ctx.shutdown();
            throw e;
        }
    }

    /**
     * gpiod for digital I/O; linuxfs for the haptic's hardware PWM chip and for I2C. No platform and no
     * auto-detection: every provider the unit uses is named here.
     */
    static Context boardContext(UnitConfig config) {
        return Pi4J.newContextBuilder()
                .noAutoDetect()
                .add(
                        GpioDDigitalInputProvider.newInstance(),
                        GpioDDigitalOutputProvider.newInstance(),
                        LinuxFsPwmProvider.newInstance(config.gpio().haptic().pwmChip()),
                        LinuxFsI2CProvider.newInstance())
                // The launcher closes the Hardware on shutdown; a second shutdown from Pi4J's own hook would race it.
                .disableShutdownHook()
                .build();
    }

    /** Builds the unit's hardware in {@code ctx}, which it then owns; split from {@link #create} so tests can pass a mock context. */
    static Hardware assemble(UnitConfig config, Path evidenceDir, Context ctx, Gnss gnss, DeviceClock clock) {
        Pi4jPeripherals io = Pi4jPeripherals.create(config.unitId(), ctx, config.gpio(), false);
        BatteryGaugeConfig gaugeConfig = config.gpio().batteryGauge();
        I2C gauge = ctx.create(I2C.newConfigBuilder(ctx)
                .id("fuel-gauge")
                .name("MAX17048 fuel gauge")
                .bus(gaugeConfig.i2cBus())
                .device(gaugeConfig.i2cAddress()));
        Battery battery = new Max17048Battery(gauge, config.gpio().dockSense().enabled() ? io.dock() : null);
        StorageInfo storage = FileStoreStorage.open(evidenceDir);
        String unitId = config.unitId();
        AtomicBoolean closed = new AtomicBoolean();
        AutoCloseable resources = () -> {
            if (closed.getAndSet(true)) return;
            ctx.shutdown();
            Logger.info("{}: board hardware closed", unitId);
        };
        Logger.info(
                "{}: board hardware ready (fuel gauge i2c-{} 0x{}, gnss {})",
                unitId,
                gaugeConfig.i2cBus(),
                Integer.toHexString(gaugeConfig.i2cAddress()),
                config.gnss().source());
        return new Hardware(
                io.recordButton(),
                io.functionButton(),
                io.sosButton(),
                io.trigger(),
                io.dock(),
                io.greenLed(),
                io.redLed(),
                io.amberLed(),
                io.haptics(),
                JavaSoundSpeaker.open(unitId, config.audio().speaker()),
                battery,
                gnss,
                clock,
                storage,
                new WirelessProcRadio(),
                resources);
    }

    static Gnss gnss(UnitConfig config) {
        GnssConfig gnss = config.gnss();
        return switch (gnss.source()) {
            case GPSD -> GpsdGnss.connect(config.unitId(), gnss.gpsdHost(), gnss.gpsdPort());
            // Bench testing a board without sky view: replay a recorded track.
            case GPX ->
                GpxReplay.start(GpxTrack.load(gnss.gpxFile(), 1), config.mock().gpxSpeedFactor());
            case NONE -> Optional::empty;
        };
    }
}
