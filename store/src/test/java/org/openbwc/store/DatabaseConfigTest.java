package org.openbwc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DatabaseConfigTest {

    @Test
    void theEmbeddedDatabaseIsAnH2FileInTheDataDirSpeakingPostgres() {
        DatabaseConfig config = DatabaseConfig.embedded(Path.of("/var/lib/bwc"));

        assertThat(config.url()).startsWith("jdbc:h2:file:/var/lib/bwc/db/evidence;MODE=PostgreSQL;");
        assertThat(config.user()).isNull();
        assertThat(config.passwordFile()).isNull();
        assertThat(config.postgresql()).isFalse();
    }

    @Test
    void acceptsAPostgresUrlWithAPasswordFile() {
        DatabaseConfig config = new DatabaseConfig(
                "jdbc:postgresql://db.example:5432/evidence", "bwc", Path.of("/etc/bwc/db.password"), 10);

        assertThat(config.postgresql()).isTrue();
    }

    @Test
    void refusesAnotherDatabaseNamingWhatIsSupported() {
        assertThatThrownBy(() -> new DatabaseConfig("jdbc:mysql://db:3306/evidence", "bwc", null, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("database.url jdbc:mysql://db:3306/evidence is not supported: only jdbc:postgresql:"
                        + " (e.g. jdbc:postgresql://db.example:5432/evidence) and jdbc:h2: URLs are");
    }

    @Test
    void refusesAPasswordInTheUrl() {
        assertThatThrownBy(() ->
                        new DatabaseConfig("jdbc:postgresql://db/evidence?user=bwc&password=secret", null, null, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("database.url carries a password:")
                .hasMessageNotContaining("secret");
    }

    @Test
    void refusesAnInMemoryDatabase() {
        assertThatThrownBy(() -> new DatabaseConfig("jdbc:h2:mem:evidence", null, null, 4))
                .hasMessageContaining("in-memory database");
    }

    @Test
    void refusesAnEmptyUrlAndAPoolOutOfRange() {
        assertThatThrownBy(() -> new DatabaseConfig(" ", null, null, 4))
                .hasMessageStartingWith("database.url is empty");
        assertThatThrownBy(() -> new DatabaseConfig("jdbc:postgresql://db/evidence", "bwc", null, 0))
                .hasMessage("database.maxPoolSize 0 is out of range 1..100");
    }
}
