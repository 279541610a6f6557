package org.openbwc.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.openbwc.config.UnitConfig;

class DataFolderTest {
    @Test
    void namesEveryFolderAndFileUnderTheUnitsDataDir() {
        Path dir = Path.of("/var/lib/bwc/data");
        DataFolder data = DataFolder.of(UnitConfig.defaults("unit-1").withDataDir(dir.toString()));
        assertThat(data.root()).isEqualTo(dir);
        assertThat(data.evidence()).isEqualTo(dir.resolve("evidence"));
        assertThat(data.preEvent()).isEqualTo(dir.resolve("pre-event"));
        assertThat(data.keys()).isEqualTo(dir.resolve("keys"));
    }

    @Test
    void aRelativeDataDirStaysRelative() {
        assertThat(new DataFolder(Path.of("data")).evidence()).isEqualTo(Path.of("data", "evidence"));
        assertThatThrownBy(() -> new DataFolder(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
