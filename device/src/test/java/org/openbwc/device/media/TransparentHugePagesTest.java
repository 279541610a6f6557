package org.openbwc.device.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TransparentHugePagesTest {

    @Test
    void theKernelReportsHugePagesOffForTheProcessAfterwards() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "prctl is Linux only");
        assumeTrue(Runtime.version().feature() >= 22, "the foreign function API is final from JDK 22 (./bwc runs 25)");
        assertThat(TransparentHugePages.disableForThisProcess()).isTrue();
        // what the kernel says, read independently of the prctl call
        assertThat(Files.readAllLines(Path.of("/proc/self/status"))).contains("THP_enabled:\t0");
        assertThat(TransparentHugePages.disableForThisProcess())
                .as("a second call is harmless")
                .isTrue();
    }
}
