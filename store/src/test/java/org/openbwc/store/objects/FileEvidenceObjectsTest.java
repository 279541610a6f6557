package org.openbwc.store.objects;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The contract on a directory tree. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FileEvidenceObjectsTest extends EvidenceObjectsContract {

    @Override
    EvidenceObjects openStore(Path tempDir) throws Exception {
        return EvidenceObjectStores.open(ObjectStoreSettings.file(tempDir.resolve("evidence")));
    }

    @Test
    void keepsFilesUnderUnitAndRecording() throws Exception {
        objects.put("unit-1", "rec-1", recording);

        assertThat(tempDir.resolve("evidence/unit-1/rec-1/seg-000001.mp4")).hasBinaryContent(segment);
        assertThat(objects.describe()).isEqualTo("file:" + tempDir.resolve("evidence"));
    }
}
