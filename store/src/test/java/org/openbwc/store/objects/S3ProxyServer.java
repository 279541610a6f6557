package org.openbwc.store.objects;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * An S3-compatible server for tests: S3Proxy in this JVM over its filesystem backend in a folder of the test's, on a
 * free port of 127.0.0.1, with credentials of its own. The folder holds one directory per bucket, one file per object.
 */
public final class S3ProxyServer implements AutoCloseable {
    private final S3Proxy proxy;
    private final BlobStore blobStore;
    private final Path folder;
    private final String accessKey = "test-" + UUID.randomUUID().toString().substring(0, 8);
    private final String secretKey = UUID.randomUUID().toString();

    private S3ProxyServer(Path folder) throws Exception {
        this.folder = folder;
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", folder.toString());
        blobStore = BlobStores.create("filesystem", properties);
        proxy = S3Proxy.builder()
                .blobStore(blobStore)
                // Port 0: Jetty picks a free one, read back by getPort().
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                // Stopping otherwise waits for the clients' idle keep-alive connections, seconds per test.
                .stopTimeout(100)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!proxy.getState().equals("STARTED")) {
            if (System.nanoTime() > deadline)
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            Thread.onSpinWait();
        }
    }

    /** Starts a server keeping its buckets under {@code folder}. */
    public static S3ProxyServer start(Path folder) throws Exception {
        return new S3ProxyServer(Files.createDirectories(folder));
    }

    /** {@code http://127.0.0.1:<port>} */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** The folder holding bucket {@code bucket}'s objects, one file per object named by its key. */
    public Path bucketFolder(String bucket) {
        return folder.resolve(bucket);
    }

    /** Creates a bucket directly in the backend. */
    public void createBucket(String bucket) {
        blobStore.createContainer(bucket);
    }

    /** Writes the access and secret key into two files in {@code dir}, as an operator would; returns {access, secret}. */
    public Path[] writeKeyFiles(Path dir) throws IOException {
        Path access = Files.writeString(dir.resolve("s3-access-key"), accessKey + "\n");
        Path secret = Files.writeString(dir.resolve("s3-secret-key"), secretKey + "\n");
        return new Path[] {access, secret};
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (java.util.concurrent.TimeoutException e) {
            // Clients' idle keep-alive connections outlived the graceful stop; Jetty has closed them and stopped.
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy at " + endpoint() + " did not stop", e);
        } finally {
            blobStore.close();
        }
    }
}
