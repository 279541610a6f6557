package org.openbwc.hal.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WirelessProcRadioTest {

    @Test
    void readsTheFirstInterfacesLinkQualityAsAPercentage() throws Exception {
        List<String> lines = List.of(
                "Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE",
                " face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22",
                " wlan0: 0000   54.  -56.  -256        0      0      0      0     12        0");
        assertThat(WirelessProcRadio.parse(lines)).hasValue(77);
        assertThat(WirelessProcRadio.parse(lines.subList(0, 2)))
                .as("no interface")
                .isEmpty();
    }

    @Test
    void aMissingFileMeansUnknown(@TempDir Path dir) throws Exception {
        assertThat(new WirelessProcRadio(dir.resolve("absent")).signalPercent()).isEmpty();
        Path f = dir.resolve("wireless");
        Files.writeString(f, "h1\nh2\n wlan0: 0000   70.  -40.  -256  0 0 0 0 0 0\n");
        assertThat(new WirelessProcRadio(f).signalPercent()).hasValue(100);
    }
}
