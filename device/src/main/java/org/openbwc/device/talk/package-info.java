/**
 * Two-way voice with the control room: the call a supervisor opens ({@code talk.start}), the room's voice arriving
 * down the live uplink ({@link org.openbwc.protocol.TalkFrame}), played on the speaker and mixed into the recorded
 * audio.
 */
package org.openbwc.device.talk;
