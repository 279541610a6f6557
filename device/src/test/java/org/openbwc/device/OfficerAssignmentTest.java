package org.openbwc.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code officer.assign} on the unit: kept on storage across restarts, winning over the config, bad args refused. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OfficerAssignmentTest {
    @TempDir
    Path dir;

    Path file() {
        return new DataFolder(dir).officer();
    }

    @Test
    void withoutAGatewayAssignmentTheUnitCarriesTheConfigsOfficer() {
        OfficerAssignment officer = OfficerAssignment.open(file(), "u-1", "4711");

        assertThat(officer.officerId()).isEqualTo("4711");
        assertThat(file()).doesNotExist();
    }

    @Test
    void anAssignmentIsKeptOnStorageAndSurvivesARestartOverTheConfigsOfficer() {
        OfficerAssignment officer = OfficerAssignment.open(file(), "u-1", "4711");

        OfficerAssignment.Change change =
                officer.assign(Map.of("officerId", "k-9/12", "name", "Kari Nordmann", "callsign", "ALPHA 1"));

        assertThat(change.changed()).isTrue();
        assertThat(change.previous().officerId()).isEqualTo("4711");
        assertThat(officer.officerId()).isEqualTo("k-9/12");
        assertThat(file()).exists();
        assertThat(file().resolveSibling("officer.json.tmp")).doesNotExist();
        OfficerAssignment restarted = OfficerAssignment.open(file(), "u-1", "4711");
        assertThat(restarted.current()).isEqualTo(new OfficerAssignment.Officer("k-9/12", "Kari Nordmann", "ALPHA 1"));
    }

    @Test
    void anEmptyOfficerIdUnassignsAndThatToSurvivesARestart() {
        OfficerAssignment officer = OfficerAssignment.open(file(), "u-1", "4711");
        officer.assign(Map.of("officerId", "k-9", "name", "Kari", "callsign", "A1"));

        OfficerAssignment.Change change = officer.assign(Map.of("officerId", ""));

        assertThat(change.previous().officerId()).isEqualTo("k-9");
        assertThat(officer.officerId()).isEmpty();
        assertThat(OfficerAssignment.open(file(), "u-1", "4711").officerId())
                .as("the gateway's unassignment wins over the config's officer too")
                .isEmpty();
    }

    @Test
    void theSameAssignmentAgainChangesNothing() {
        OfficerAssignment officer = OfficerAssignment.open(file(), "u-1", "");
        officer.assign(Map.of("officerId", "k-9", "name", "Kari"));

        assertThat(officer.assign(Map.of("officerId", "k-9", "name", "Kari")).changed())
                .isFalse();
        assertThat(officer.assign(Map.of("officerId", "k-9", "name", "Kari N")).changed())
                .as("a new name is a change")
                .isTrue();
    }

    @Test
    void badArgumentsAreRefusedNamingTheArgumentAndChangeNothing() {
        OfficerAssignment officer = OfficerAssignment.open(file(), "u-1", "4711");

        assertThatThrownBy(() -> officer.assign(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs officerId");
        assertThatThrownBy(() -> officer.assign(Map.of("officerId", "a b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("officerId 'a b'");
        assertThatThrownBy(() -> officer.assign(Map.of("officerId", "x".repeat(41))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> officer.assign(Map.of("officerId", "k", "name", "n".repeat(81))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> officer.assign(Map.of("officerId", "k", "callsign", "c".repeat(17))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("callsign");
        assertThatThrownBy(() -> officer.assign(Map.of("officerId", "k", "name", "a\nb")))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(officer.officerId()).isEqualTo("4711");
        assertThat(file()).doesNotExist();
    }

    @Test
    void aFileThatCannotBeReadLeavesTheConfigsOfficer() throws Exception {
        Files.writeString(file(), "{\"officerId\": \"bad id with spaces\"}");
        assertThat(OfficerAssignment.open(file(), "u-1", "4711").officerId()).isEqualTo("4711");

        Files.writeString(file(), "not json");
        assertThat(OfficerAssignment.open(file(), "u-1", "4711").officerId()).isEqualTo("4711");
    }

    @Test
    void anAssignmentThatCannotBeKeptDoesNotTakeEffect() throws Exception {
        Path blocked = dir.resolve("not-a-folder");
        Files.writeString(blocked, "a file where the folder should be");
        OfficerAssignment officer = OfficerAssignment.open(blocked.resolve("officer.json"), "u-1", "4711");

        assertThatThrownBy(() -> officer.assign(Map.of("officerId", "k-9")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot keep the officer assignment");
        assertThat(officer.officerId()).isEqualTo("4711");
    }
}
