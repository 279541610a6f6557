package org.openbwc.device.mqtt;

/**
 * Counters of one {@link UnitLink} since it was built, for telemetry and tests.
 *
 * @param published messages the broker acknowledged (QoS 1) or that were written to the connection (QoS 0)
 * @param queued messages waiting to be sent right now (offline, or the in-flight window is full)
 * @param inFlight publishes sent and not yet acknowledged right now
 * @param dropped events and replies pushed out of a full queue, plus publishes the broker refused
 * @param malformedCommands command messages rejected: undecodable, name not matching the topic, or unknown command
 * @param expiredCommands command requests whose MQTT message expiry passed before they could run; never executed
 * @param reconnects successful connections after the first one
 * @param inFlightLimit the bound on unacknowledged publishes, derived from the broker's receive maximum
 * @param peakInFlight the most unacknowledged publishes there ever were at once; never above the limit then in force
 * @param awaitingGateway events the broker took that the gateway has not acknowledged yet
 * @param acknowledgedEvents events the gateway acknowledged
 * @param resentEvents events sent again because the gateway had not acknowledged them (after a reconnect or a wait)
 */
public record LinkStats(
        long published,
        int queued,
        int inFlight,
        long dropped,
        long malformedCommands,
        long expiredCommands,
        long reconnects,
        int inFlightLimit,
        int peakInFlight,
        int awaitingGateway,
        long acknowledgedEvents,
        long resentEvents) {}
