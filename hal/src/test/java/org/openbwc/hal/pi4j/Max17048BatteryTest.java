package org.openbwc.hal.pi4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.pi4j.context.Context;
import com.pi4j.io.i2c.I2C;
import org.junit.jupiter.api.Test;
import org.openbwc.hal.BatteryReading;
import org.openbwc.hal.BinaryInput;
import org.openbwc.hal.EdgeListener;

class Max17048BatteryTest {
    @Test
    void decodesSocVcellAndCrate() {
        assertThat(Max17048Battery.percentFromSoc(0x5780)).isEqualTo(87);
        assertThat(Max17048Battery.percentFromSoc(0x0000)).isZero();
        assertThat(Max17048Battery.percentFromSoc(0x6500))
                .as("101 % after top-off")
                .isEqualTo(100);
        assertThat(Max17048Battery.voltsFromVcell(0xD000)).isCloseTo(4.16, within(1e-9));
        assertThat(Max17048Battery.voltsFromVcell(0xFFFF)).isCloseTo(5.1199, within(1e-4));
        assertThat(Max17048Battery.percentPerHourFromCrate(0x0030)).isCloseTo(48 * 0.208, within(1e-9));
        assertThat(Max17048Battery.percentPerHourFromCrate(0xFFF0)).isCloseTo(-16 * 0.208, within(1e-9));
    }

    @Test
    void readsRegistersThroughPi4jMockI2c() {
        Context ctx = MockContexts.create();
        try {
            I2C gauge =
                    ctx.create(I2C.newConfigBuilder(ctx).id("fuel-gauge").bus(1).device(0x36));
            gauge.writeRegister(Max17048Battery.REG_SOC, new byte[] {0x2A, (byte) 0x80});
            gauge.writeRegister(Max17048Battery.REG_VCELL, new byte[] {(byte) 0xC1, 0x00});
            gauge.writeRegister(Max17048Battery.REG_CRATE, new byte[] {0x00, 0x40});

            BatteryReading reading = new Max17048Battery(gauge, null).read();

            assertThat(reading.percent()).isEqualTo(42);
            assertThat(reading.volts()).isCloseTo(0xC100 * 78.125e-6, within(1e-9));
            assertThat(reading.charging()).as("CRATE +13 %/h").isTrue();
        } finally {
            ctx.shutdown();
        }
    }

    @Test
    void chargingFollowsTheDockWhenItIsWired() {
        I2C gauge = gauge(0x3200, 0xC000, 0xFF00);
        assertThat(new Max17048Battery(gauge, input(true)).read().charging()).isTrue();
        assertThat(new Max17048Battery(gauge, input(false)).read().charging()).isFalse();
        I2C full = gauge(0x6400, 0xD700, 0x0000);
        assertThat(new Max17048Battery(full, input(true)).read().charging())
                .as("charger done at 100 %")
                .isFalse();
    }

    @Test
    void timeToEmptyComesFromTheDischargeTrend() {
        assertThat(Max17048Battery.minutesLeft(50, -10.0)).isEqualTo(300);
        assertThat(Max17048Battery.minutesLeft(50, -0.2))
                .as("noise, not a drain")
                .isNull();
        assertThat(Max17048Battery.minutesLeft(100, -1.0))
                .as("capped at two days")
                .isEqualTo(48 * 60);
        // 0x3200 = 50 %, CRATE 0xFF00 = -256 LSB = -53.2 %/h -> 56 min
        assertThat(new Max17048Battery(gauge(0x3200, 0xC000, 0xFF00), input(false))
                        .read()
                        .minutesLeft())
                .isEqualTo(56);
        assertThat(new Max17048Battery(gauge(0x3200, 0xC000, 0xFF00), input(true))
                        .read()
                        .minutesLeft())
                .isNull();
    }

    @Test
    void chargingFromCrateNeedsAClearRise() {
        assertThat(new Max17048Battery(gauge(0x3200, 0xC000, 0x0002), null)
                        .read()
                        .charging())
                .as("+0.4 %/h noise")
                .isFalse();
        assertThat(new Max17048Battery(gauge(0x3200, 0xC000, 0xFFD0), null)
                        .read()
                        .charging())
                .as("draining")
                .isFalse();
    }

    @Test
    void i2cFailureNamesTheDevice() {
        I2C gauge = mock(I2C.class);
        when(gauge.bus()).thenReturn(1);
        when(gauge.device()).thenReturn(0x36);
        when(gauge.readRegister(anyInt(), any(byte[].class), anyInt(), anyInt()))
                .thenThrow(new RuntimeException("Remote I/O error"));
        assertThatThrownBy(() -> new Max17048Battery(gauge, null).read())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MAX17048 on i2c bus 1 address 0x36 register 0x04")
                .hasMessageContaining("Remote I/O error");
    }

    private static I2C gauge(int soc, int vcell, int crate) {
        I2C gauge = mock(I2C.class);
        answer(gauge, Max17048Battery.REG_SOC, soc);
        answer(gauge, Max17048Battery.REG_VCELL, vcell);
        answer(gauge, Max17048Battery.REG_CRATE, crate);
        return gauge;
    }

    private static void answer(I2C gauge, int register, int word) {
        when(gauge.readRegister(eq(register), any(byte[].class), eq(0), eq(2))).thenAnswer(call -> {
            byte[] buffer = call.getArgument(1);
            buffer[0] = (byte) (word >>> 8);
            buffer[1] = (byte) word;
            return 2;
        });
    }

    private static BinaryInput input(boolean active) {
        return new BinaryInput() {
            @Override
            public String name() {
                return "dock";
            }

            @Override
            public boolean isActive() {
                return active;
            }

            @Override
            public void addListener(EdgeListener listener) {}
        };
    }
}
