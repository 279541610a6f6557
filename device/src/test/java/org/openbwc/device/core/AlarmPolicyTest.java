package org.openbwc.device.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openbwc.protocol.EventType.BATTERY_LOW;
import static org.openbwc.protocol.EventType.CLOCK_UNSET;
import static org.openbwc.protocol.EventType.STORAGE_LOW;

import java.util.List;
import org.junit.jupiter.api.Test;

class AlarmPolicyTest {
    final AlarmPolicy alarms = new AlarmPolicy(15, 10);

    List<AlarmChange> battery(int percent, boolean charging) {
        return alarms.update(percent, charging, 50, true, 0);
    }

    List<AlarmChange> storage(int freePercent) {
        return alarms.update(80, false, freePercent, true, 0);
    }

    @Test
    void healthyReadingsRaiseNothing() {
        assertThat(alarms.update(80, false, 50, true, 0)).isEmpty();
        assertThat(alarms.alarms()).isEqualTo(Alarms.NONE);
    }

    @Test
    void batteryLowIsReportedOncePerCrossingWithItsReading() {
        assertThat(battery(16, false)).isEmpty();
        List<AlarmChange> raised = battery(15, false);
        assertThat(raised).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo(BATTERY_LOW);
            assertThat(c.cleared()).isFalse();
            assertThat(c.details()).containsEntry("batteryPercent", "15").containsEntry("thresholdPercent", "15");
        });
        assertThat(battery(14, false)).isEmpty();
        assertThat(battery(3, false)).isEmpty();
        assertThat(alarms.alarms().batteryLow()).isTrue();
    }

    @Test
    void batteryClearsOnlyAtThresholdPlusFive() {
        battery(15, false);
        assertThat(battery(16, false)).isEmpty();
        assertThat(battery(19, false)).isEmpty();
        assertThat(battery(15, false)).isEmpty();
        assertThat(battery(20, false)).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo(BATTERY_LOW);
            assertThat(c.cleared()).isTrue();
        });
        assertThat(alarms.alarms().batteryLow()).isFalse();
        assertThat(battery(15, false)).hasSize(1);
    }

    @Test
    void chargingClearsBatteryLowAndPreventsIt() {
        battery(10, false);
        assertThat(battery(10, true))
                .singleElement()
                .extracting(AlarmChange::cleared)
                .isEqualTo(true);
        assertThat(battery(5, true)).isEmpty();
        assertThat(battery(5, false))
                .singleElement()
                .extracting(AlarmChange::cleared)
                .isEqualTo(false);
    }

    @Test
    void storageLowWithHysteresis() {
        assertThat(storage(10)).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo(STORAGE_LOW);
            assertThat(c.cleared()).isFalse();
            assertThat(c.details()).containsEntry("storageFreePercent", "10");
        });
        assertThat(storage(14)).isEmpty();
        assertThat(storage(15)).singleElement().extracting(AlarmChange::cleared).isEqualTo(true);
        assertThat(storage(11)).isEmpty();
    }

    @Test
    void clockUnsetIsReportedOnceAndClearedWhenSet() {
        assertThat(alarms.update(80, false, 50, false, 5)).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo(CLOCK_UNSET);
            assertThat(c.cleared()).isFalse();
            assertThat(c.atMillis()).isEqualTo(5);
        });
        assertThat(alarms.update(80, false, 50, false, 6)).isEmpty();
        assertThat(alarms.alarms()).isEqualTo(new Alarms(false, false, true));
        assertThat(alarms.update(80, false, 50, true, 7))
                .singleElement()
                .extracting(AlarmChange::cleared)
                .isEqualTo(true);
    }

    @Test
    void severalAlarmsCanCrossInOneReading() {
        assertThat(alarms.update(5, false, 2, false, 0))
                .extracting(AlarmChange::type)
                .containsExactly(BATTERY_LOW, STORAGE_LOW, CLOCK_UNSET);
        assertThat(alarms.alarms()).isEqualTo(new Alarms(true, true, true));
    }

    @Test
    void unknownPercentLeavesTheAlarmAsItWas() {
        assertThat(alarms.update(-1, false, 101, true, 0)).isEmpty();
        battery(10, false);
        assertThat(battery(-1, false)).isEmpty();
        assertThat(alarms.alarms().batteryLow()).isTrue();
    }

    @Test
    void thresholdsOutsidePercentRangeAreRejected() {
        assertThatThrownBy(() -> new AlarmPolicy(-1, 10)).hasMessageContaining("batteryLowPercent: -1");
        assertThatThrownBy(() -> new AlarmPolicy(15, 101)).hasMessageContaining("storageLowPercent: 101");
    }
}
