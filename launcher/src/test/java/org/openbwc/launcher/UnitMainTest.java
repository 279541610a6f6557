package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class UnitMainTest {

    @Test
    void thePlainFormsRunWithoutTheCommandLineFramework() {
        assertThat(UnitMain.parse(new String[] {"--config", "u.yaml"}))
                .isEqualTo(new DeviceRunner(Path.of("u.yaml"), null, null));
        assertThat(UnitMain.parse(new String[] {"--config=u.yaml", "--hal", "pi"}))
                .isEqualTo(new DeviceRunner(Path.of("u.yaml"), "pi", null));
        assertThat(UnitMain.parse(new String[] {"--hal=mock", "--sim-port", "8090", "--config", "u.yaml"}))
                .isEqualTo(new DeviceRunner(Path.of("u.yaml"), "mock", 8090));
    }

    @Test
    void everythingElseGoesToTheFullCommandLine() {
        String[][] others = {
            {},
            {"--help"},
            {"-h"},
            {"--version"},
            {"--config"},
            {"--hal", "mock"},
            {"--config", "a", "--config", "b"},
            {"--config", "u.yaml", "--hal", "arduino"},
            {"--config", "u.yaml", "--sim-port", "x"},
            {"--config", "u.yaml", "--sim-port", "70000"},
            {"--config", "u.yaml", "extra"},
            {"--config", ""},
            {"--config", "u.yaml", "--hal", "pi", "--hal", "mock"},
            {"--config", "a\0b"},
        };
        for (String[] args : others)
            assertThat(UnitMain.parse(args)).as(String.join(" ", args)).isNull();
    }

    @Test
    void optionMistakesAreUsageErrors() {
        assertThatThrownBy(() -> new DeviceRunner(null, null, null))
                .isInstanceOf(DeviceRunner.BadOptions.class)
                .hasMessage("--config FILE is required");
        assertThatThrownBy(() -> new DeviceRunner(Path.of("u.yaml"), "arduino", null))
                .hasMessage("--hal 'arduino' is invalid (allowed: mock, pi)");
        assertThatThrownBy(() -> new DeviceRunner(Path.of("u.yaml"), null, 70000))
                .hasMessage("--sim-port 70000 is out of range 0..65535");
    }
}
