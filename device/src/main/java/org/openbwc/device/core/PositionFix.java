package org.openbwc.device.core;

/** The unit's newest position fix, so the controller can tell when the officer reached a dispatch's incident. */
public record PositionFix(double lat, double lon) implements ControllerInput {}
