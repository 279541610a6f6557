/**
 * The device's pure decision core: button gestures, the recording state machine, indicator patterns and alarm
 * thresholds.
 *
 * <p>Nothing here touches a thread, a file, a socket or the wall clock. Time arrives as {@code long nowMillis} from a
 * monotonic clock; a value smaller than one already seen is treated as "no time passed", so a misbehaving clock can
 * neither throw nor rewind a decision. The runtime feeds inputs in, publishes the returned events and drives the
 * hardware from the returned frames; tests do the same with plain method calls and a fake time.
 */
package org.openbwc.device.core;
