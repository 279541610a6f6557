package org.openbwc.device.core;

import java.util.Objects;

/** A decoded gesture of one button: the decoder's output and a controller input. */
public record ButtonGesture(ButtonName button, Gesture gesture) implements ControllerInput {
    public ButtonGesture {
        Objects.requireNonNull(button, "button is required");
        Objects.requireNonNull(gesture, "gesture is required");
    }
}
