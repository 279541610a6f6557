package org.openbwc.hal.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.config.ButtonConfig;
import org.openbwc.config.GnssSource;
import org.openbwc.config.InputConfig;
import org.openbwc.config.LedConfig;
import org.openbwc.config.UnitConfig;
import org.openbwc.hal.Hardware;

class MockHardwareTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void pressFiresPressedThenReleasedThroughPi4j() throws Exception {
        try (MockHardware unit = TestUnits.create(TestUnits.unit("unit-1", dir))) {
            List<Boolean> edges = new CopyOnWriteArrayList<>();
            List<String> threads = new CopyOnWriteArrayList<>();
            unit.hardware().recordButton().addListener(active -> {
                edges.add(active);
                threads.add(Thread.currentThread().getName());
            });

            assertThat(unit.hardware().recordButton().isPressed()).isFalse();
            long start = System.nanoTime();
            var gesture = unit.controls().press("record");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                    .as("press returns at once")
                    .isLessThan(100);

            await().atMost(WAIT).until(() -> edges.size() == 2);
            assertThat(edges).containsExactly(true, false);
            assertThat(threads).allMatch(name -> name.equals("unit-unit-1-buttons"));
            assertThat(gesture).isCompleted();
            assertThat(unit.hardware().recordButton().isPressed()).isFalse();
            assertThat(unit.hardware().functionButton().isPressed()).isFalse();
        }
    }

    @Test
    void pressHoldsForAboutTheConfiguredDuration() throws Exception {
        try (MockHardware unit = TestUnits.create(TestUnits.unit("unit-1", dir))) {
            List<Long> times = new CopyOnWriteArrayList<>();
            unit.hardware().sosButton().addListener(active -> times.add(System.nanoTime()));

            unit.controls().pressAndHold("sos", Duration.ofMillis(400));
            await().atMost(WAIT).until(() -> times.size() == 2);
            assertThat(TimeUnit.NANOSECONDS.toMillis(times.get(1) - times.get(0)))
                    .isBetween(380L, 1_500L);

            times.clear();
            unit.controls().press("sos").get(5, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(times.get(1) - times.get(0)))
                    .isBetween(100L, 1_000L);
        }
    }

    @Test
    void doublePressGivesTwoPressesAndQueuedPressesStayDistinct() throws Exception {
        try (MockHardware unit = TestUnits.create(TestUnits.unit("unit-1", dir))) {
            List<Boolean> edges = new CopyOnWriteArrayList<>();
            unit.hardware().functionButton().addListener(edges::add);

            unit.controls().doublePress("function");
            await().atMost(WAIT).until(() -> edges.size() == 4);
            assertThat(edges).containsExactly(true, false, true, false);

            edges.clear();
            unit.controls().press("function");
            var second = unit.controls().press("function");
            second.get(5, TimeUnit.SECONDS);
            assertThat(edges).containsExactly(true, false, true, false);
        }
    }

    @Test
    void activeHighButtonMapsTheOtherWay() throws Exception {
        UnitConfig config = TestUnits.unit("unit-1", dir);
        config = TestUnits.withGpio(
                config,
                new ButtonConfig(17, 10_000, false),
                config.gpio().trigger(),
                config.gpio().greenLed());
        try (MockHardware activeHigh = TestUnits.create(config);
                MockHardware activeLow = TestUnits.create(TestUnits.unit("unit-2", dir.resolve("2")))) {
            List<Boolean> edges = new CopyOnWriteArrayList<>();
            activeHigh.hardware().recordButton().addListener(edges::add);
            activeHigh.controls().press("record").get(5, TimeUnit.SECONDS);
            assertThat(edges).containsExactly(true, false);

            // The raw line levels differ: the press is HIGH on one wiring and LOW on the other.
            activeHigh.controls().pressAndHold("record", Duration.ofMillis(500));
            activeLow.controls().pressAndHold("record", Duration.ofMillis(500));
            await().atMost(WAIT)
                    .until(() -> activeHigh.hardware().recordButton().isPressed()
                            && activeLow.hardware().recordButton().isPressed());
            assertThat(rawHigh(activeHigh, "record")).isTrue();
            assertThat(rawHigh(activeLow, "record")).isFalse();
        }
    }

    private static boolean rawHigh(MockHardware unit, String id) {
        return unit.controls().lineHigh(id);
    }

    @Test
    void twoUnitsWithTheSamePinsDoNotInterfere() throws Exception {
        try (MockHardware one = TestUnits.create(TestUnits.unit("unit-1", dir.resolve("1")));
                MockHardware two = TestUnits.create(TestUnits.unit("unit-2", dir.resolve("2")))) {
            List<Boolean> oneEdges = new CopyOnWriteArrayList<>();
            List<Boolean> twoEdges = new CopyOnWriteArrayList<>();
            one.hardware().recordButton().addListener(oneEdges::add);
            two.hardware().recordButton().addListener(twoEdges::add);

            one.controls().press("record").get(5, TimeUnit.SECONDS);
            two.hardware().redLed().set(true);

            assertThat(oneEdges).containsExactly(true, false);
            assertThat(twoEdges).isEmpty();
            assertThat(two.controls().ledOn("red")).isTrue();
            assertThat(one.controls().ledOn("red")).isFalse();
            one.controls().setDocked(true);
            assertThat(two.controls().isDocked()).isFalse();
        }
    }

    @Test
    void ledsAndHapticsAreReadableThroughTheControls() throws Exception {
        UnitConfig config = TestUnits.unit("unit-1", dir);
        config = TestUnits.withGpio(
                config, config.gpio().recordButton(), config.gpio().trigger(), new LedConfig(5, true, 40));
        try (MockHardware unit = TestUnits.create(config)) {
            Hardware hw = unit.hardware();
            VirtualUnitControls controls = unit.controls();
            for (String led : List.of("green", "red", "amber"))
                assertThat(controls.ledOn(led)).as(led).isFalse();
            assertThat(controls.hapticsOn()).isFalse();

            hw.greenLed().set(true);
            hw.amberLed().set(true);
            hw.haptics().set(true);
            assertThat(controls.ledOn("green")).isTrue();
            assertThat(controls.ledOn("red")).isFalse();
            assertThat(controls.ledOn("amber")).isTrue();
            assertThat(controls.hapticsOn()).isTrue();
            assertThat(hw.greenLed().isOn()).isTrue();

            hw.greenLed().set(false);
            hw.haptics().set(false);
            assertThat(controls.ledOn("green")).isFalse();
            assertThat(controls.hapticsOn()).isFalse();
            assertThatThrownBy(() -> controls.ledOn("blue"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("blue");
        }
    }

    @Test
    void dockTriggerClockBatteryAndStorage() throws Exception {
        UnitConfig config = TestUnits.unit("unit-1", dir);
        config = TestUnits.withGpio(
                config,
                config.gpio().recordButton(),
                new InputConfig(true, 23, 10_000, true),
                config.gpio().greenLed());
        try (MockHardware unit = TestUnits.create(config)) {
            Hardware hw = unit.hardware();
            VirtualUnitControls controls = unit.controls();
            List<Boolean> dockEdges = new CopyOnWriteArrayList<>();
            List<Boolean> triggerEdges = new CopyOnWriteArrayList<>();
            hw.dock().addListener(dockEdges::add);
            hw.trigger().addListener(triggerEdges::add);

            controls.setDocked(true);
            assertThat(controls.isDocked()).isTrue();
            assertThat(hw.dock().isActive()).isTrue();
            assertThat(dockEdges).containsExactly(true);
            controls.setBatteryPercent(50);
            assertThat(controls.battery().charging()).isTrue();
            assertThat(hw.battery().read().percent()).isEqualTo(50);
            controls.setDocked(false);
            assertThat(dockEdges).containsExactly(true, false);
            assertThat(controls.battery().charging()).isFalse();

            assertThat(controls.hasTrigger()).isTrue();
            controls.setTrigger(true);
            assertThat(hw.trigger().isActive()).isTrue();
            controls.setTrigger(false);
            assertThat(triggerEdges).containsExactly(true, false);

            assertThat(hw.clock().isSet()).isTrue();
            controls.setClockSet(false);
            assertThat(hw.clock().isSet()).isFalse();

            assertThat(hw.storage().evidenceDir()).isEqualTo(dir.resolve("evidence"));
            assertThat(Files.isDirectory(dir.resolve("evidence"))).isTrue();
            assertThat(hw.storage().read().totalBytes()).isPositive();
            controls.overrideFreeBytes(1_000);
            assertThat(hw.storage().read().freeBytes()).isEqualTo(1_000);
            controls.clearFreeBytesOverride();
            assertThat(hw.storage().read().freeBytes()).isGreaterThan(1_000);

            assertThat(controls.latestFix()).isPresent();
            assertThat(hw.gnss().latestFix().orElseThrow().lat()).isBetween(52.50, 52.54);
        }
    }

    @Test
    void disabledTriggerIsAbsentAndRefusesToBeDriven() throws Exception {
        try (MockHardware unit = TestUnits.create(TestUnits.unit("unit-1", dir))) {
            assertThat(unit.controls().hasTrigger()).isFalse();
            assertThat(unit.hardware().trigger().isActive()).isFalse();
            assertThatThrownBy(() -> unit.controls().setTrigger(true))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("trigger");
        }
    }

    @Test
    void unknownButtonIsRejectedWithTheValidNames() throws Exception {
        try (MockHardware unit = TestUnits.create(TestUnits.unit("unit-1", dir))) {
            assertThatThrownBy(() -> unit.controls().press("volume"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("volume")
                    .hasMessageContaining("record");
        }
    }

    @Test
    void closingTheHardwareStopsControlsAndShutsDownTheContext() throws Exception {
        MockHardware unit = TestUnits.create(TestUnits.unit("unit-1", dir));
        var hold = unit.controls().pressAndHold("record", Duration.ofSeconds(30));
        unit.hardware().close();

        assertThat(hold).isCompletedExceptionally();
        assertThatThrownBy(() -> unit.controls().press("record")).isInstanceOf(IllegalStateException.class);
        // The registry is emptied by the context shutdown.
        assertThatThrownBy(() -> unit.controls().ledOn("green")).isInstanceOf(RuntimeException.class);
        await().atMost(WAIT)
                .until(() -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().equals("unit-unit-1-buttons")));
        unit.close(); // a second close is harmless
    }

    @Test
    void gnssNoneGivesNoFixAndBundledTracksFollowTheUnitNumber() throws Exception {
        UnitConfig none = TestUnits.unit("unit-1", dir);
        none = none.withGnss(none.gnss().withSource(GnssSource.NONE));
        try (MockHardware unit = TestUnits.create(none)) {
            assertThat(unit.controls().latestFix()).isEmpty();
        }
        assertThat(MockHardware.trackNumberOf("unit-2")).isEqualTo(2);
        assertThat(MockHardware.trackNumberOf("bwc-0042")).isEqualTo(42);
        assertThat(MockHardware.trackNumberOf("alpha")).isBetween(1, 3);
    }
}
