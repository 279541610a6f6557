package org.openbwc.gateway.evidence;

import java.nio.file.Path;
import org.openbwc.config.GatewayConfig;
import org.openbwc.store.DatabaseConfig;

/** Where a gateway's evidence index lives, from its configuration: {@code database}, else the embedded one. */
public final class EvidenceIndex {
    private EvidenceIndex() {}

    /**
     * The database of {@code gateway.yaml}'s {@code database} section, or the embedded one in {@code <dataDir>/db}.
     *
     * @throws IllegalArgumentException naming the key when the section is not usable (e.g. a password in the URL)
     */
    public static DatabaseConfig databaseOf(GatewayConfig config) {
        org.openbwc.config.DatabaseConfig db = config.database();
        if (db == null || db.url() == null) return DatabaseConfig.embedded(Path.of(config.dataDir()));
        return new DatabaseConfig(
                db.url(), db.user(), db.passwordFile() == null ? null : Path.of(db.passwordFile()), db.maxPoolSize());
    }
}
