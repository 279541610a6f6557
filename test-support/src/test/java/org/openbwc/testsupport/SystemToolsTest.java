package org.openbwc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SystemToolsTest {
    @Test
    void whichLooksInEachFolderOfTheSearchPath() {
        assertThat(SystemTools.which("sh", "/nonexistent::/bin:/usr/bin")).isPresent();
        assertThat(SystemTools.which("no-such-tool-here", "/bin:/usr/bin")).isEmpty();
    }
}
