package org.openbwc.device.core;

/** The runtime's periodic heartbeat (about every 50 ms); lets timers (post-event, stop arm, locate) expire. */
public record Tick() implements ControllerInput {}
