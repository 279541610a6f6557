package org.openbwc.hal.mock;

import java.nio.file.Path;
import org.openbwc.config.ButtonConfig;
import org.openbwc.config.GnssSource;
import org.openbwc.config.GpioConfig;
import org.openbwc.config.HalMode;
import org.openbwc.config.InputConfig;
import org.openbwc.config.LedConfig;
import org.openbwc.config.UnitConfig;

/** Unit configs for emulator tests. */
final class TestUnits {
    private TestUnits() {}

    /** Defaults, mock HAL, data under {@code dir}, replaying bundled track 1. */
    static UnitConfig unit(String unitId, Path dir) {
        UnitConfig config = UnitConfig.defaults(unitId).withHal(HalMode.MOCK).withDataDir(dir.toString());
        return config.withGnss(config.gnss().withGpxFile("bundled:1").withSource(GnssSource.GPX));
    }

    /**
     * The emulated unit, its storage reading the file system of {@code <dataDir>/evidence}: where the device keeps
     * its recordings (the device's DataFolder decides that; these tests only need a folder under the data dir).
     */
    static MockHardware create(UnitConfig config) {
        return MockHardware.create(config, evidenceDir(config));
    }

    static Path evidenceDir(UnitConfig config) {
        return Path.of(config.dataDir()).resolve("evidence");
    }

    static UnitConfig withGpio(UnitConfig config, ButtonConfig record, InputConfig trigger, LedConfig green) {
        GpioConfig g = config.gpio();
        return config.withGpio(new GpioConfig(
                record,
                g.functionButton(),
                g.sosButton(),
                trigger,
                g.dockSense(),
                green,
                g.redLed(),
                g.amberLed(),
                g.haptic(),
                g.batteryGauge()));
    }
}
