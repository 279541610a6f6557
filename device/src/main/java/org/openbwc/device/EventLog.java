package org.openbwc.device;

import org.openbwc.protocol.UnitEvent;
import org.tinylog.Logger;

/**
 * Writes the controller's events to the unit's log, as published: recordings, SOS, stealth and dispatches at INFO, state
 * changes
 * and everything else at DEBUG.
 */
final class EventLog {
    private final String tag;

    EventLog(String unitId) {
        this.tag = "[" + unitId + "] ";
    }

    void log(UnitEvent e) {
        switch (e.type()) {
            case STATE_CHANGED ->
                Logger.debug(
                        "{}state {} -> {} ({})",
                        tag,
                        e.details().get("from"),
                        e.details().get("to"),
                        e.cause());
            case RECORDING_STARTED,
                    RECORDING_STOPPED,
                    SOS_RAISED,
                    SOS_CLEARED,
                    STEALTH_ON,
                    STEALTH_OFF,
                    DISPATCH_RECEIVED,
                    DISPATCH_ACKNOWLEDGED,
                    DISPATCH_ARRIVED,
                    DISPATCH_CANCELLED ->
                Logger.info("{}{} ({}) {}", tag, e.type().wire(), e.cause(), e.details());
            default -> Logger.debug("{}{} ({}) {}", tag, e.type().wire(), e.cause(), e.details());
        }
    }
}
