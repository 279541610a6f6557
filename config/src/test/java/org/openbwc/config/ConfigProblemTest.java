package org.openbwc.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one-line problem format that technicians read and scripts may parse. */
class ConfigProblemTest {

    private static final Path FILE = Path.of("unit.yaml");

    @Test
    void printsAllParts() {
        assertThat(new ConfigProblem(FILE, 14, "recording.preEventSeconds", "500", "is out of range", "0..120"))
                .hasToString("unit.yaml:14 recording.preEventSeconds: 500 is out of range (allowed: 0..120)");
    }

    @Test
    void leavesOutPartsThatDoNotApply() {
        assertThat(new ConfigProblem(FILE, 3, "unitId", null, "missing required key", null))
                .hasToString("unit.yaml:3 unitId: missing required key");
        assertThat(new ConfigProblem(FILE, 0, "unitId", null, "missing required key", "ids"))
                .hasToString("unit.yaml unitId: missing required key (allowed: ids)");
        assertThat(new ConfigProblem(FILE, 0, null, null, "does not exist", null))
                .hasToString("unit.yaml does not exist");
    }

    @Test
    void printsTheFileAsGiven() {
        assertThat(new ConfigProblem(Path.of("../conf/unit.yaml"), 2, "hal", "x", "is not a valid choice", null))
                .hasToString("../conf/unit.yaml:2 hal: x is not a valid choice");
    }

    @Test
    void quotesValuesThatWouldBeAmbiguousAndShortensLongOnes() {
        assertThat(new ConfigProblem(FILE, 1, "unitId", "unit 1", "is not valid", null))
                .hasToString("unit.yaml:1 unitId: \"unit 1\" is not valid");
        assertThat(new ConfigProblem(FILE, 1, "unitId", "", "is not valid", null))
                .hasToString("unit.yaml:1 unitId: \"\" is not valid");
        assertThat(new ConfigProblem(FILE, 1, "unitId", "x".repeat(200), "is not valid", null).toString())
                .isEqualTo("unit.yaml:1 unitId: " + "x".repeat(77) + "... is not valid");
    }

    @Test
    void exceptionListsEveryProblemAndRefusesNone() {
        ConfigProblem first = new ConfigProblem(FILE, 1, "a", null, "unknown key", null);
        ConfigProblem second = new ConfigProblem(FILE, 2, "b", null, "unknown key", null);
        ConfigException e = new ConfigException(List.of(first, second));
        assertThat(e.problems()).containsExactly(first, second);
        assertThat(e).hasMessage("unit.yaml:1 a: unknown key\nunit.yaml:2 b: unknown key");
        assertThatThrownBy(() -> new ConfigException(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
