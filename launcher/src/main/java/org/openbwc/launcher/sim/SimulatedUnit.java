package org.openbwc.launcher.sim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.openbwc.config.UnitConfig;
import org.openbwc.device.DataFolder;
import org.openbwc.device.UnitRuntime;
import org.openbwc.hal.BatteryReading;
import org.openbwc.hal.mock.MockHardware;
import org.openbwc.hal.mock.VirtualUnitControls;
import org.openbwc.protocol.UnitStatus;
import org.tinylog.Logger;

/** One body camera of the simulator: mock hardware plus the real device runtime, with a battery that can be pulled. */
public final class SimulatedUnit {
    private final UnitConfig config;
    private final String firmware;
    private MockHardware hardware;
    private UnitRuntime runtime;

    public SimulatedUnit(UnitConfig config, String firmware) {
        this.config = config;
        this.firmware = firmware;
    }

    public String id() {
        return config.unitId();
    }

    public UnitConfig config() {
        return config;
    }

    /** The device software while the unit is on, else null (for tests that look inside the unit). */
    public synchronized UnitRuntime runtime() {
        return runtime;
    }

    /** Inserts the battery: builds fresh mock hardware and boots the device software. */
    public synchronized void powerOn() {
        if (runtime != null) throw new IllegalStateException("unit " + id() + " is already on");
        hardware = MockHardware.create(config, DataFolder.of(config).evidence());
        try {
            runtime = UnitRuntime.start(config, hardware.hardware(), firmware);
        } catch (RuntimeException e) {
            closeHardware();
            throw e;
        }
    }

    public synchronized boolean isOn() {
        return runtime != null;
    }

    public synchronized boolean isConnected() {
        return runtime != null && runtime.isConnected();
    }

    /** The controls of the running unit; fails with a message the page can show when the battery is out. */
    public synchronized VirtualUnitControls controls() {
        if (hardware == null) throw new IllegalStateException("unit " + id() + " has no battery: power it on first");
        return hardware.controls();
    }

    /** Power loss: the device software stops mid-stride, no clean MQTT disconnect, no file closed. */
    public synchronized void pullBattery() {
        if (runtime == null) throw new IllegalStateException("unit " + id() + " has no battery: power it on first");
        runtime.kill();
        runtime = null;
        closeHardware();
        Logger.warn("[{}] battery pulled", id());
    }

    /** Clean power-off: the unit says it is going offline and closes its files. */
    public synchronized void shutdown() {
        if (runtime == null) return;
        runtime.close();
        runtime = null;
        closeHardware();
    }

    private void closeHardware() {
        try {
            if (hardware != null) hardware.close();
        } catch (Exception e) {
            Logger.warn(e, "[{}] closing mock hardware failed", id());
        } finally {
            hardware = null;
        }
    }

    /** What the virtual-units page shows: LEDs as lit right now, battery, position, buttons' surroundings. */
    public synchronized Map<String, Object> view() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id());
        v.put("officerId", runtime == null ? config.officerId() : runtime.officerId());
        v.put("alive", runtime != null);
        UnitStatus status = runtime == null ? null : runtime.lastStatus();
        v.put("state", status == null ? "OFF" : status.state().name());
        v.put("stealth", status != null && status.stealth());
        v.put("sos", status != null && status.sos());
        v.put("connected", runtime != null && runtime.isConnected());
        if (hardware == null) {
            v.put("leds", Map.of("green", false, "red", false, "amber", false));
            v.put("haptic", false);
            v.put("battery", Map.of("percent", 0, "volts", 0.0, "charging", false));
            v.put("docked", false);
            v.put("clockSet", true);
            v.put("trigger", false);
            v.put("position", null);
            return v;
        }
        VirtualUnitControls c = hardware.controls();
        v.put("leds", Map.of("green", c.ledOn("green"), "red", c.ledOn("red"), "amber", c.ledOn("amber")));
        v.put("haptic", c.hapticsOn());
        v.put("inCall", runtime != null && runtime.inCall());
        v.put("speaking", c.speaker().queuedMillis() > 0);
        BatteryReading b = c.battery();
        v.put("battery", Map.of("percent", b.percent(), "volts", b.volts(), "charging", b.charging()));
        v.put("docked", c.isDocked());
        v.put("clockSet", c.clockSet());
        v.put("trigger", c.triggerActive());
        v.put(
                "position",
                c.latestFix().map(f -> Map.of("lat", f.lat(), "lon", f.lon())).orElse(null));
        return v;
    }
}
