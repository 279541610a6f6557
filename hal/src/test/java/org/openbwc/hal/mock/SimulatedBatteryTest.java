package org.openbwc.hal.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openbwc.hal.BatteryReading;

class SimulatedBatteryTest {
    private final FakeTime time = new FakeTime(Instant.parse("2025-03-14T09:00:00Z"));

    @Test
    void drainsMonotonicallyToEmptyAtTheConfiguredAverageRate() {
        SimulatedBattery battery = new SimulatedBattery(100, 10, time);
        List<BatteryReading> readings = new ArrayList<>();
        for (int minute = 0; minute <= 11 * 60; minute += 5) {
            readings.add(battery.read());
            time.advance(Duration.ofMinutes(5));
        }
        for (int i = 1; i < readings.size(); i++) {
            assertThat(readings.get(i).percent())
                    .isLessThanOrEqualTo(readings.get(i - 1).percent());
            assertThat(readings.get(i).volts())
                    .isLessThanOrEqualTo(readings.get(i - 1).volts());
            assertThat(readings.get(i).charging()).isFalse();
        }
        assertThat(readings.getFirst().percent()).isEqualTo(100);
        // 10 %/h empties a full cell in 10 h on average.
        assertThat(readings.get(10 * 60 / 5).percent()).isZero();
        assertThat(readings.get(9 * 60 / 5).percent()).isPositive();
        assertThat(readings).allSatisfy(r -> assertThat(r.volts()).isBetween(3.3, 4.2));
        assertThat(readings.getFirst().volts()).isCloseTo(4.2, within(0.01));
        assertThat(readings.getLast().volts()).isCloseTo(3.3, within(0.01));
    }

    @Test
    void timeToEmptyCountsDownWithTheDrainAndIsUnknownWhileDocked() {
        SimulatedBattery battery = new SimulatedBattery(100, 10, time);
        assertThat(battery.read().minutesLeft()).isEqualTo(600);
        time.advance(Duration.ofHours(4));
        assertThat(battery.read().minutesLeft()).isEqualTo(360);
        battery.setDocked(true);
        assertThat(battery.read().minutesLeft()).isNull();
    }

    @Test
    void percentDropsFasterAtTheEndsThanOnThePlateau() {
        SimulatedBattery battery = new SimulatedBattery(100, 10, time);
        int top = drop(battery, Duration.ofMinutes(30));
        battery.setPercent(55);
        int middle = drop(battery, Duration.ofMinutes(30));
        battery.setPercent(10);
        int bottom = drop(battery, Duration.ofMinutes(30));
        assertThat(top).isGreaterThan(middle + 3);
        assertThat(bottom).isGreaterThan(middle + 3);
        // Linear would be 5 % per half hour.
        assertThat(middle).isBetween(1, 4);
    }

    private int drop(SimulatedBattery battery, Duration d) {
        int before = battery.read().percent();
        time.advance(d);
        return before - battery.read().percent();
    }

    @Test
    void chargesMonotonicallyWhileDockedAndSlowsAbove80() {
        SimulatedBattery battery = new SimulatedBattery(10, 10, time);
        battery.setDocked(true);
        List<BatteryReading> readings = new ArrayList<>();
        for (int minute = 0; minute <= 180; minute += 5) {
            readings.add(battery.read());
            time.advance(Duration.ofMinutes(5));
        }
        for (int i = 1; i < readings.size(); i++) {
            assertThat(readings.get(i).percent())
                    .isGreaterThanOrEqualTo(readings.get(i - 1).percent());
        }
        assertThat(readings).allSatisfy(r -> assertThat(r.volts()).isBetween(3.3, 4.2));
        assertThat(readings.getFirst().charging()).isTrue();
        assertThat(readings.getLast().percent()).isEqualTo(100);
        assertThat(readings.getLast().charging()).isFalse();

        // Constant current below 80 % of capacity (~0.6 per hour), then a slower constant-voltage tail.
        assertThat(SimulatedBattery.charged(0.2, 0.5)).isCloseTo(0.5, within(1e-9));
        double fastHalfHour = SimulatedBattery.charged(0.5, 0.25) - 0.5;
        double slowHalfHour = SimulatedBattery.charged(0.85, 0.25) - 0.85;
        assertThat(slowHalfHour).isLessThan(fastHalfHour);
        assertThat(SimulatedBattery.charged(0.85, 10)).isLessThanOrEqualTo(1.0);
    }

    @Test
    void undockedStopsCharging() {
        SimulatedBattery battery = new SimulatedBattery(50, 10, time);
        battery.setDocked(true);
        time.advance(Duration.ofMinutes(30));
        int docked = battery.read().percent();
        assertThat(docked).isGreaterThan(50);
        battery.setDocked(false);
        time.advance(Duration.ofMinutes(30));
        assertThat(battery.read().percent()).isLessThan(docked);
    }

    @Test
    void curveAndInverseAreConsistent() {
        assertThat(SimulatedBattery.percentOfCharge(0)).isZero();
        assertThat(SimulatedBattery.percentOfCharge(1)).isCloseTo(100, within(1e-9));
        for (int p = 0; p <= 100; p += 5) {
            assertThat(SimulatedBattery.percentOfCharge(SimulatedBattery.chargeOfPercent(p)))
                    .isCloseTo(p, within(1e-6));
        }
        double previous = 0;
        for (int p = 1; p <= 100; p++) {
            double v = SimulatedBattery.openCircuitVolts(p);
            assertThat(v).isGreaterThanOrEqualTo(previous).isBetween(3.3, 4.2);
            previous = v;
        }
    }
}
