package org.openbwc.hal;

/**
 * Everything the device controller touches, built once from the unit config and handed to the device.
 * Closing it releases GPIO lines, PWM channels and sockets.
 */
public record Hardware(
        Button recordButton,
        Button functionButton,
        Button sosButton,
        BinaryInput trigger,
        BinaryInput dock,
        Led greenLed,
        Led redLed,
        Led amberLed,
        Haptics haptics,
        Speaker speaker,
        Battery battery,
        Gnss gnss,
        DeviceClock clock,
        StorageInfo storage,
        RadioLink radio,
        AutoCloseable resources)
        implements AutoCloseable {
    @Override
    public void close() throws Exception {
        try {
            gnss.close();
        } finally {
            try {
                speaker.close();
            } finally {
                resources.close();
            }
        }
    }
}
