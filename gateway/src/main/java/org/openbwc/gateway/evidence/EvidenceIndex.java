package org.openbwc.gateway.evidence;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;
import org.openbwc.config.EvidenceS3Config;
import org.openbwc.config.EvidenceStoreConfig;
import org.openbwc.config.EvidenceStoreKind;
import org.openbwc.config.GatewayConfig;
import org.openbwc.evidence.ManifestSignature;
import org.openbwc.gateway.identity.EnrolledUnit;
import org.openbwc.gateway.identity.UnitDirectory;
import org.openbwc.gateway.offload.OffloadReceiver;
import org.openbwc.store.DatabaseConfig;
import org.openbwc.store.RecordingCatalog;
import org.openbwc.store.objects.EvidenceObjectStores;
import org.openbwc.store.objects.EvidenceObjects;
import org.openbwc.store.objects.ObjectStoreSettings;
import org.openbwc.store.objects.S3Settings;
import org.tinylog.Logger;

/**
 * Where a gateway's evidence lives, from its configuration: the index in {@code database} (else the embedded one), the
 * files in the evidence store, and the staging folder offloads arrive in.
 */
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

    /**
     * The evidence store of {@code gateway.yaml}'s {@code evidence} section: files in {@code evidence.path} (default
     * {@code <dataDir>/evidence}) or an S3 bucket, checked at open (bucket, credentials, object lock).
     *
     * @throws IllegalStateException naming the store when it cannot be opened
     */
    public static EvidenceObjects objectsOf(GatewayConfig config) {
        EvidenceStoreConfig evidence = config.evidence() == null ? EvidenceStoreConfig.defaults() : config.evidence();
        ObjectStoreSettings settings;
        if (evidence.store() == EvidenceStoreKind.S3) {
            EvidenceS3Config s3 = evidence.s3();
            settings = ObjectStoreSettings.s3(new S3Settings(
                    URI.create(s3.endpoint()),
                    s3.region(),
                    s3.bucket(),
                    s3.prefix(),
                    Path.of(s3.accessKeyFile()),
                    Path.of(s3.secretKeyFile()),
                    s3.objectLockDays()));
        } else {
            settings = ObjectStoreSettings.file(config.evidenceDir());
        }
        try {
            return EvidenceObjectStores.open(settings);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the evidence store: " + e.getMessage(), e);
        }
    }

    /** The receiver of offloads, staging in {@code <dataDir>/offload}, checking against each unit's pinned key. */
    public static OffloadReceiver receiver(
            GatewayConfig config, EvidenceObjects objects, RecordingCatalog catalog, UnitDirectory units, Clock clock) {
        Path staging = Path.of(config.dataDir()).resolve("offload");
        try {
            return new OffloadReceiver(staging, objects, catalog, pinnedKeys(units), clock);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot open the offload staging folder " + staging + ": " + e.getMessage(), e);
        }
    }

    /** A unit's evidence key as pinned at enrolment; empty for a unit not enrolled or revoked. */
    static Function<String, Optional<PublicKey>> pinnedKeys(UnitDirectory units) {
        return unitId -> units.find(unitId)
                .filter(u -> u.state() == EnrolledUnit.State.ENROLLED && u.evidenceKey() != null)
                .map(u -> ManifestSignature.publicKeyFromBase64(u.evidenceKey()));
    }

    /** Closes the store, logging rather than throwing: it is closed on the way out. */
    public static void closeQuietly(EvidenceObjects objects) {
        try {
            objects.close();
        } catch (IOException | RuntimeException e) {
            Logger.warn("Closing the evidence store {} failed: {}", objects.describe(), e.getMessage());
        }
    }
}
