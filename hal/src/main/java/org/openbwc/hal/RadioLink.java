package org.openbwc.hal;

import java.util.OptionalInt;

/** The unit's data link to the network (LTE modem or Wi-Fi): how good its signal is right now. */
public interface RadioLink {
    /** Signal quality 0-100, or empty when the link cannot tell (no radio, interface down, no driver report). */
    OptionalInt signalPercent();
}
