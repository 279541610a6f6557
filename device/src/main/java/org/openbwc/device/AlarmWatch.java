package org.openbwc.device;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.openbwc.config.UnitConfig;
import org.openbwc.device.core.AlarmChange;
import org.openbwc.device.core.AlarmPolicy;
import org.openbwc.device.core.Alarms;
import org.openbwc.device.core.BatteryState;
import org.openbwc.device.core.ControllerSnapshot;
import org.openbwc.device.core.StorageState;
import org.openbwc.device.evidence.StoragePolicy;
import org.openbwc.hal.BatteryReading;
import org.openbwc.hal.DeviceClock;
import org.openbwc.hal.StorageReading;
import org.openbwc.protocol.UnitEvent;
import org.tinylog.Logger;

/**
 * Watches what can keep a unit from recording well: the camera, the battery, free storage and the clock. Logs and
 * publishes each alarm crossing and camera failure; knows when storage reached its reserve. Controller thread only.
 */
final class AlarmWatch {
    private final String tag;
    private final DeviceClock clock;
    private final Telemetry telemetry;
    private final Consumer<UnitEvent> publish;
    private final AlarmPolicy alarms;
    private final StoragePolicy storagePolicy;
    private String cameraFailure;

    /**
     * @param telemetry takes the readings and makes the events
     * @param publish publishes an event
     */
    AlarmWatch(UnitConfig config, DeviceClock clock, Telemetry telemetry, Consumer<UnitEvent> publish) {
        this.tag = "[" + config.unitId() + "] ";
        this.clock = clock;
        this.telemetry = telemetry;
        this.publish = publish;
        this.alarms = new AlarmPolicy(
                config.telemetry().batteryLowPercent(), config.telemetry().storageLowPercent());
        this.storagePolicy = new StoragePolicy(
                config.telemetry().storageLowPercent(), config.evidence().reserveMegabytes() * 1024L * 1024L);
    }

    /** Notes whether the camera works; on a change logs it (and publishes a failure) and returns true. */
    boolean camera(Optional<String> failure, ControllerSnapshot s) {
        String now = failure.orElse(null);
        if (Objects.equals(now, cameraFailure)) return false;
        cameraFailure = now;
        if (now != null) {
            Logger.error("{}camera not working: {}", tag, now);
            publish.accept(telemetry.cameraFailedEvent(now, s));
        } else {
            Logger.info("{}camera working again", tag);
        }
        return true;
    }

    /**
     * Applies the readings the telemetry last took ({@link Telemetry#readSensors}) and the clock's; logs each alarm
     * crossing, publishes each crossing into alarm, and returns whether any alarm crossed.
     */
    boolean readings(long nowMillis, ControllerSnapshot s) {
        BatteryReading battery = telemetry.batteryReading();
        List<AlarmChange> changes = alarms.update(
                battery.percent(),
                battery.charging(),
                freePercent(telemetry.storageReading()),
                clock.isSet(),
                nowMillis);
        for (AlarmChange c : changes) {
            if (c.cleared()) {
                Logger.info("{}{} cleared {}", tag, c.type().wire(), c.details());
            } else {
                Logger.warn("{}{} {}", tag, c.type().wire(), c.details());
                publish.accept(telemetry.alarmEvent(c, s));
            }
        }
        return !changes.isEmpty();
    }

    private static int freePercent(StorageReading storage) {
        return storage.totalBytes() == 0 ? 0 : (int) (storage.freeBytes() * 100 / storage.totalBytes());
    }

    /**
     * The input that tells the controller storage reached (or left) its reserve, by the last reading; empty while it
     * already knows ({@code exhaustedNow}).
     */
    Optional<StorageState> storageChange(boolean exhaustedNow) {
        StorageReading storage = telemetry.storageReading();
        boolean exhausted =
                storagePolicy.assess(storage.freeBytes(), storage.totalBytes()) == StoragePolicy.Level.RESERVE;
        if (exhausted == exhaustedNow) return Optional.empty();
        if (exhausted)
            Logger.warn(
                    "{}storage at its reserve ({} bytes free): recording stops and no new one starts",
                    tag,
                    storage.freeBytes());
        return Optional.of(new StorageState(exhausted));
    }

    /**
     * The input that tells the controller the battery reached (or left) its critical level, by the last reading; empty
     * while it already knows ({@code criticalNow}).
     */
    Optional<BatteryState> batteryChange(boolean criticalNow) {
        BatteryReading battery = telemetry.batteryReading();
        boolean critical = BatteryState.isCritical(battery.percent(), battery.charging());
        if (critical == criticalNow) return Optional.empty();
        if (critical)
            Logger.warn(
                    "{}battery critical ({} %): a recording is stopped and sealed before the power goes",
                    tag, battery.percent());
        return Optional.of(new BatteryState(critical));
    }

    /** The alarms active now, for the indicators. */
    Alarms alarms() {
        return alarms.alarms().withCameraFailed(cameraFailure != null);
    }
}
