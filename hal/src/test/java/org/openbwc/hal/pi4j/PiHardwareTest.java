package org.openbwc.hal.pi4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.i2c.I2C;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.config.GnssSource;
import org.openbwc.config.UnitConfig;
import org.openbwc.hal.BatteryReading;
import org.openbwc.hal.Hardware;
import org.openbwc.hal.gnss.GpsdGnss;
import org.openbwc.hal.mock.GpxReplay;
import org.openbwc.hal.system.SystemDeviceClock;

class PiHardwareTest {
    @TempDir
    Path dir;

    @Test
    void assemblesTheBoardFromConfigInAGivenContextAndClosesIt() throws Exception {
        UnitConfig config = UnitConfig.defaults("unit-7").withDataDir(dir.toString());
        Context ctx = MockContexts.create();
        Hardware hw =
                PiHardware.assemble(config, dir.resolve("evidence"), ctx, Optional::empty, SystemDeviceClock.create());
        I2C gauge = ctx.registry().get("fuel-gauge", I2C.class);
        assertThat(gauge.bus()).isEqualTo(1);
        assertThat(gauge.device()).isEqualTo(0x36);
        // The mock I2C hands each written byte out once: queue two readings' worth.
        gauge.writeRegister(Max17048Battery.REG_SOC, new byte[] {0x50, 0x00, 0x50, 0x00});
        gauge.writeRegister(Max17048Battery.REG_VCELL, new byte[] {(byte) 0xC8, 0x00, (byte) 0xC8, 0x00});
        // Dock sense is wired by default and active-low: LOW means docked, so the battery charges.
        MockDigitalInput dock = ctx.registry().get(Pi4jPeripherals.DOCK, MockDigitalInput.class);
        dock.mockState(DigitalState.LOW);
        BatteryReading docked = hw.battery().read();
        assertThat(docked.percent()).isEqualTo(80);
        assertThat(docked.volts()).isCloseTo(4.0, within(1e-9));
        assertThat(docked.charging()).isTrue();
        dock.mockState(DigitalState.HIGH);
        assertThat(hw.battery().read().charging()).isFalse();

        assertThat(hw.storage().evidenceDir()).isEqualTo(dir.resolve("evidence"));
        assertThat(Files.isDirectory(dir.resolve("evidence"))).isTrue();
        assertThat(hw.recordButton().name()).isEqualTo("record");
        hw.close();
        assertThat(ctx.registry().exists("fuel-gauge")).isFalse();
    }

    @Test
    void gnssFollowsTheConfiguredSource() {
        UnitConfig config = UnitConfig.defaults("unit-7").withDataDir(dir.toString());
        try (var gpsd = PiHardware.gnss(config)) {
            assertThat(gpsd).isInstanceOf(GpsdGnss.class);
        }
        UnitConfig none = config.withGnss(config.gnss().withSource(GnssSource.NONE));
        assertThat(PiHardware.gnss(none).latestFix()).isEmpty();
        UnitConfig gpx = config.withGnss(config.gnss().withGpxFile("bundled:3").withSource(GnssSource.GPX));
        assertThat(PiHardware.gnss(gpx)).isInstanceOf(GpxReplay.class);
        UnitConfig missing = config.withGnss(
                config.gnss().withGpxFile(dir.resolve("nope.gpx").toString()).withSource(GnssSource.GPX));
        assertThatThrownBy(() -> PiHardware.gnss(missing)).hasMessageContaining("nope.gpx");
    }
}
