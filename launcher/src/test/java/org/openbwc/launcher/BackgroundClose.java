package org.openbwc.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openbwc.gateway.Gateway;

/**
 * Closes a test's gateway (and deletes its folder) on a thread of its own: the embedded HiveMQ's shutdown waits out two
 * fixed quiet periods of 2 s (its Netty event loops, then an executor), 4-5 s a gateway, while the next test needs
 * neither the old gateway's ports nor its folder. The test JVM waits for every such close at its exit, so that no
 * folder is left half deleted.
 */
final class BackgroundClose {
    private static final List<Thread> PENDING = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(BackgroundClose::awaitAll, "background-close-wait"));
    }

    private BackgroundClose() {}

    /** Closes {@code gateway} (if any), then deletes {@code dir}, on a thread of its own. */
    static void gatewayAndFolder(Gateway gateway, Path dir) {
        run(dir.getFileName().toString(), () -> {
            if (gateway != null) gateway.close();
            TempDirs.delete(dir);
        });
    }

    private static synchronized void run(String name, Runnable close) {
        Thread t = new Thread(close, "background-close-" + name);
        t.setDaemon(true);
        PENDING.add(t);
        t.start();
    }

    private static void awaitAll() {
        List<Thread> pending;
        synchronized (BackgroundClose.class) {
            pending = List.copyOf(PENDING);
        }
        for (Thread t : pending) {
            try {
                t.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
