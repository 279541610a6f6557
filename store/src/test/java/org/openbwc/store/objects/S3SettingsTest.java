package org.openbwc.store.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** S3Settings refuses what could not work, saying which key and what would. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class S3SettingsTest {
    static final Path ACCESS = Path.of("/etc/bwc/s3-access");
    static final Path SECRET = Path.of("/etc/bwc/s3-secret");

    static S3Settings with(String endpoint, String bucket, String prefix, int days) {
        return new S3Settings(URI.create(endpoint), null, bucket, prefix, ACCESS, SECRET, days);
    }

    @Test
    void defaultsTheRegionAndEndsThePrefixWithASlash() {
        S3Settings s = with("https://minio.example:9000", "evidence", "agency-a", 0);
        assertThat(s.region()).isEqualTo("us-east-1");
        assertThat(s.prefix()).isEqualTo("agency-a/");
        assertThat(with("https://minio.example:9000", "evidence", null, 0).prefix())
                .isEmpty();
        assertThat(s.describe()).isEqualTo("s3://evidence/agency-a/ at https://minio.example:9000");
    }

    @Test
    void refusesWhatCouldNotWork() {
        assertThatThrownBy(() -> with("ftp://minio.example", "evidence", "", 0))
                .hasMessageContaining("evidence.s3.endpoint ftp://minio.example is not an http:// or https:// URL");
        assertThatThrownBy(() -> with("https://minio.example/evidence", "evidence", "", 0))
                .hasMessageContaining("has a path");
        assertThatThrownBy(() -> with("https://minio.example", "Evidence_Bucket", "", 0))
                .hasMessageContaining("evidence.s3.bucket 'Evidence_Bucket' is not a bucket name");
        assertThatThrownBy(() -> with("https://minio.example", "evidence", "../up", 0))
                .hasMessageContaining("evidence.s3.prefix '../up/' is not a key prefix");
        assertThatThrownBy(() -> with("https://minio.example", "evidence", "/abs", 0))
                .hasMessageContaining("evidence.s3.prefix");
        assertThatThrownBy(() -> with("https://minio.example", "evidence", "", -1))
                .hasMessageContaining("evidence.s3.objectLockDays -1 is out of range 0..36500");
        assertThatThrownBy(() ->
                        new S3Settings(URI.create("https://minio.example"), null, "evidence", "", ACCESS, null, 0))
                .hasMessageContaining("evidence.s3.secretKeyFile is missing");
        assertThatThrownBy(() -> new ObjectStoreSettings(null, null)).hasMessageContaining("neither");
    }
}
