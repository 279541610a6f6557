package org.openbwc.device.core;

/** The unit was put into or taken out of its dock. */
public record DockChanged(boolean docked) implements ControllerInput {}
