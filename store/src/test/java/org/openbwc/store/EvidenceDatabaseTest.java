package org.openbwc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Opening the database when it is not there, or not usable, says where and why. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EvidenceDatabaseTest {

    @Test
    void anUnreachableServerIsNamedWithTheDriversReason() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free now, so nothing listens there: the connection is refused at once
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/evidence";

        assertThatThrownBy(() -> EvidenceDatabase.open(new DatabaseConfig(url, "bwc", null, 2)))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessageStartingWith("cannot open the evidence database at " + url + " as bwc: ")
                .hasMessageContaining("refused");
    }

    @Test
    void anEmbeddedDatabaseThatCannotBeCreatedIsNamed(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("db"), "a file where the database folder should be");
        DatabaseConfig config = DatabaseConfig.embedded(dir);

        assertThatThrownBy(() -> EvidenceDatabase.open(config))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessageStartingWith("cannot open the evidence database at " + config.url() + ": ");
    }

    @Test
    void aMissingPasswordFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("db.password");

        assertThatThrownBy(() -> EvidenceDatabase.open(
                        new DatabaseConfig("jdbc:postgresql://127.0.0.1:5432/test", "bwc", missing, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot read database.passwordFile " + missing);
    }

    @Test
    void theEmbeddedDatabaseLivesInTheDataDir(@TempDir Path dir) {
        try (EvidenceDatabase db = EvidenceDatabase.open(DatabaseConfig.embedded(dir))) {
            assertThat(db.catalog().find("nothing")).isEmpty();
        }

        assertThat(dir.resolve("db/evidence.mv.db")).isRegularFile();
    }
}
