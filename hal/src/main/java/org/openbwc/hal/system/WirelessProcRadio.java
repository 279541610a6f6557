package org.openbwc.hal.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.openbwc.hal.RadioLink;

/**
 * Signal quality of a Wi-Fi interface from the kernel's {@code /proc/net/wireless} (link quality out of 70, as
 * reported by most Linux drivers including the Pi's brcmfmac). An LTE modem would need ModemManager instead.
 */
public final class WirelessProcRadio implements RadioLink {

    /** The scale the kernel's wireless extensions report link quality on. */
    static final double MAX_QUALITY = 70.0;

    private final Path file;

    public WirelessProcRadio() {
        this(Path.of("/proc/net/wireless"));
    }

    WirelessProcRadio(Path file) {
        this.file = file;
    }

    @Override
    public OptionalInt signalPercent() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
        return parse(lines);
    }

    /** The first interface's link quality; the first two lines are headers. */
    static OptionalInt parse(List<String> lines) {
        for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 3 || !f[0].endsWith(":")) continue;
            try {
                double quality = Double.parseDouble(f[2].replaceAll("\\.$", ""));
                return OptionalInt.of((int) Math.round(Math.clamp(quality / MAX_QUALITY * 100, 0, 100)));
            } catch (NumberFormatException e) {
                return OptionalInt.empty();
            }
        }
        return OptionalInt.empty();
    }
}
