package org.openbwc.device.core;

/** Level of the external trigger (holster sensor, light bar); only the inactive-to-active edge starts a recording. */
public record TriggerSignal(boolean active) implements ControllerInput {}
