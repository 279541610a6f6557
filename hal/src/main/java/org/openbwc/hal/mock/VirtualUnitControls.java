package org.openbwc.hal.mock;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.pwm.Pwm;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openbwc.hal.BatteryReading;
import org.openbwc.hal.Gnss;
import org.openbwc.hal.GnssFix;
import org.openbwc.hal.StorageReading;
import org.openbwc.hal.pi4j.Pi4jPeripherals;
import org.tinylog.Logger;

/**
 * The control surface of one emulated unit, for the virtual-units web page and integration tests: press its
 * buttons, dock it, pull its trigger, break its clock, and watch its LEDs, haptics, battery and position.
 *
 * <p>Buttons and inputs are driven through {@link MockDigitalInput#mockState}, so the device receives them through
 * the same Pi4J listener path as on the board. Gestures run on a single scheduler thread owned by these controls:
 * the press methods return at once with a future that completes when the gesture is over. Gestures on one button
 * queue behind each other, so two quick {@code press} calls give two distinct presses. What the device makes of a
 * press is its own business; the controls press regardless of its state.
 */
public final class VirtualUnitControls implements AutoCloseable {
    private final String unitId;
    private final Context ctx;
    private final Map<String, Line> buttons;
    private final Line trigger;
    private final Line dock;
    private final SimulatedBattery battery;
    private final Gnss gnss;
    private final MockClock clock;
    private final AdjustableStorage storage;
    private final MockSpeaker speaker;
    private final MockOptions options;
    private final ScheduledExecutorService scheduler;
    private final Map<String, CompletableFuture<Void>> lastGesture = new HashMap<>();
    private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** A mock input line with the wiring polarity of its config. */
    record Line(MockDigitalInput input, boolean activeLow) {
        void drive(boolean active) {
            input.mockState(active != activeLow ? DigitalState.HIGH : DigitalState.LOW);
        }

        boolean isActive() {
            return (input.state() == DigitalState.HIGH) != activeLow;
        }
    }

    private record Step(long delayMillis, boolean active) {}

    /** {@code trigger} and {@code dock} are null when the input is disabled in the unit's config. */
    VirtualUnitControls(
            String unitId,
            Context ctx,
            Map<String, Line> buttons,
            Line trigger,
            Line dock,
            SimulatedBattery battery,
            Gnss gnss,
            MockClock clock,
            AdjustableStorage storage,
            MockSpeaker speaker,
            MockOptions options) {
        this.unitId = unitId;
        this.ctx = ctx;
        this.buttons = Map.copyOf(buttons);
        this.trigger = trigger;
        this.dock = dock;
        this.battery = battery;
        this.gnss = gnss;
        this.clock = clock;
        this.storage = storage;
        this.speaker = speaker;
        this.options = options;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(
                1,
                Thread.ofPlatform().name("unit-" + unitId + "-buttons").daemon().factory());
        executor.setRemoveOnCancelPolicy(true);
        this.scheduler = executor;
    }

    public String unitId() {
        return unitId;
    }

    /** The button names: record, function, sos. */
    public List<String> buttonNames() {
        return Pi4jPeripherals.BUTTONS;
    }

    /** Presses and releases after the press duration (~120 ms). */
    public CompletableFuture<Void> press(String button) {
        long down = options.pressDuration().toMillis();
        return gesture(button, List.of(new Step(0, true), new Step(down, false)));
    }

    public CompletableFuture<Void> pressAndHold(String button, Duration hold) {
        if (hold == null || hold.isNegative() || hold.isZero()) {
            throw new IllegalArgumentException("hold duration " + hold + " must be > 0");
        }
        return gesture(button, List.of(new Step(0, true), new Step(hold.toMillis(), false)));
    }

    /** Two presses with ~150 ms between the first release and the second press. */
    public CompletableFuture<Void> doublePress(String button) {
        long down = options.pressDuration().toMillis();
        long gap = options.doublePressGap().toMillis();
        return gesture(
                button, List.of(new Step(0, true), new Step(down, false), new Step(gap, true), new Step(down, false)));
    }

    /** Whether the button line currently reads pressed. */
    public boolean isPressed(String button) {
        return line(button).isActive();
    }

    /** The raw level of a button's GPIO line, to check the wiring polarity. */
    boolean lineHigh(String button) {
        return line(button).input().state() == DigitalState.HIGH;
    }

    /**
     * Puts the unit in or out of its dock: the battery charges while docked, and the dock sense input (when wired
     * in the config) changes, its listeners called on this thread.
     */
    public void setDocked(boolean docked) {
        ensureOpen();
        battery.setDocked(docked);
        if (dock != null) dock.drive(docked);
        Logger.info("{}: {}", unitId, docked ? "docked" : "undocked");
    }

    public boolean isDocked() {
        return battery.isDocked();
    }

    /** Whether the unit's config wires an external trigger input. */
    public boolean hasTrigger() {
        return trigger != null;
    }

    /** Asserts or releases the external trigger input; its listeners are called on this thread. */
    public void setTrigger(boolean active) {
        ensureOpen();
        if (trigger == null) {
            throw new IllegalStateException("unit " + unitId + " has no trigger input (gpio.trigger.enabled is false)");
        }
        trigger.drive(active);
        Logger.info("{}: trigger {}", unitId, active ? "asserted" : "released");
    }

    public boolean triggerActive() {
        return trigger != null && trigger.isActive();
    }

    /** False plays an RTC that lost its time: the device should raise the clock alarm. */
    public void setClockSet(boolean set) {
        clock.setSet(set);
        Logger.info("{}: clock {}", unitId, set ? "set" : "unset");
    }

    public boolean clockSet() {
        return clock.isSet();
    }

    /** The LED output as Pi4J holds it; {@code led} is green, red or amber. */
    public boolean ledOn(String led) {
        if (!Pi4jPeripherals.LEDS.contains(led)) {
            throw new IllegalArgumentException("unknown LED '" + led + "', expected one of " + Pi4jPeripherals.LEDS);
        }
        Object io = ctx.registry().get(Pi4jPeripherals.ledId(led));
        if (io instanceof Pwm pwm) return pwm.isOn();
        return ((DigitalOutput) io).isHigh();
    }

    /** The emulated loudspeaker: what the unit played, for the virtual-units page to play aloud. */
    public MockSpeaker speaker() {
        return speaker;
    }

    /** The emulated microphone: inject a tone burst for the unit to "say" (voice calls, bench/talk). */
    public MockMicrophone microphone() {
        return MockMicrophone.registered(unitId)
                .orElseThrow(() -> new IllegalStateException("unit " + unitId + "'s mock hardware is closed"));
    }

    /** The haptic PWM output as Pi4J holds it. */
    public boolean hapticsOn() {
        Pwm pwm = ctx.registry().get(Pi4jPeripherals.HAPTIC);
        return pwm.isOn();
    }

    public BatteryReading battery() {
        return battery.read();
    }

    /** Jumps the simulated battery to {@code percent} (0..100); it drains or charges on from there. */
    public void setBatteryPercent(int percent) {
        battery.setPercent(percent);
        Logger.info("{}: battery set to {}%", unitId, percent);
    }

    public Optional<GnssFix> latestFix() {
        return gnss.latestFix();
    }

    public StorageReading storage() {
        return storage.read();
    }

    /** Pretends the evidence volume has only {@code freeBytes} free (capped at its real size), e.g. for storage alerts. */
    public void overrideFreeBytes(long freeBytes) {
        storage.overrideFreeBytes(freeBytes);
    }

    public void clearFreeBytesOverride() {
        storage.clearOverride();
    }

    /** Stops the gesture scheduler; gestures not yet finished complete exceptionally. Called by Hardware.close(). */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        for (CompletableFuture<Void> gesture : new ArrayList<>(inFlight)) {
            gesture.completeExceptionally(new CancellationException("controls of unit " + unitId + " closed"));
        }
    }

    private Line line(String button) {
        Line line = buttons.get(button);
        if (line == null) {
            throw new IllegalArgumentException(
                    "unknown button '" + button + "', expected one of " + Pi4jPeripherals.BUTTONS);
        }
        return line;
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("controls of unit " + unitId + " are closed");
    }

    private synchronized CompletableFuture<Void> gesture(String button, List<Step> steps) {
        Line line = line(button);
        ensureOpen();
        Logger.debug("{}: {} gesture with {} edges", unitId, button, steps.size());
        CompletableFuture<Void> done = new CompletableFuture<>();
        inFlight.add(done);
        done.whenComplete((v, e) -> inFlight.remove(done));
        CompletableFuture<Void> previous = lastGesture.getOrDefault(button, CompletableFuture.completedFuture(null));
        lastGesture.put(button, done);
        // Queue behind the previous gesture on this button, whether it finished or was cancelled.
        previous.whenComplete((v, e) -> runStep(line, steps, 0, done));
        return done;
    }

    private void runStep(Line line, List<Step> steps, int index, CompletableFuture<Void> done) {
        if (index == steps.size()) {
            done.complete(null);
            return;
        }
        Step step = steps.get(index);
        try {
            scheduler.schedule(
                    () -> {
                        if (done.isDone()) return;
                        try {
                            line.drive(step.active());
                        } catch (RuntimeException e) {
                            done.completeExceptionally(e);
                            return;
                        }
                        runStep(line, steps, index + 1, done);
                    },
                    step.delayMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new IllegalStateException("controls of unit " + unitId + " are closed", e));
        }
    }
}
