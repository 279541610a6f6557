package org.openbwc.device.core;

/**
 * Whether evidence storage has reached its reserve. At the reserve a recording stops at once (no post-event: the disk
 * must not fill mid-fragment) and no new one starts until storage is freed.
 */
public record StorageState(boolean exhausted) implements ControllerInput {}
