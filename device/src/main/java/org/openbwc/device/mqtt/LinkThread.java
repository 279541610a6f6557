package org.openbwc.device.mqtt;

import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.tinylog.Logger;

/**
 * The MQTT link's one thread: connecting, reconnecting and publishing all run on it, one task at a time, so the
 * link's state needs no locks. Once it is stopped, tasks handed to it are dropped: late callbacks from a client
 * have nothing left to do.
 */
final class LinkThread {
    private final String unitId;
    private final ScheduledThreadPoolExecutor executor;

    LinkThread(String unitId) {
        this.unitId = unitId;
        this.executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "mqtt-link-" + unitId);
            thread.setDaemon(true);
            return thread;
        });
        this.executor.setRemoveOnCancelPolicy(true);
        // A pending reconnect or handshake watchdog must not hold up close().
        this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Runs {@code task} on the link thread, logging what it throws. */
    void execute(Runnable task) {
        try {
            executor.execute(() -> runLogged(task));
        } catch (RejectedExecutionException e) {
            // The link is closed or killed: late callbacks from the client have nothing left to do.
        }
    }

    /** Runs {@code task} on the link thread after {@code delayMillis}; null once the thread is stopped. */
    ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        try {
            return executor.schedule(() -> runLogged(task), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /**
     * Runs {@code task} on the link thread, for a caller that waits for it.
     *
     * @throws RejectedExecutionException once the thread is stopped
     */
    Future<?> submit(Runnable task) {
        return executor.submit(task);
    }

    private void runLogged(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            Logger.error(e, "unit {}: MQTT link task failed", unitId);
        }
    }

    /** Lets the running task finish (up to a second), drops pending ones and ends the thread. */
    void stop() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(1, TimeUnit.SECONDS)) executor.shutdownNow();
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Interrupts the running task, drops pending ones, and waits up to a second for the running one to end. */
    void halt() {
        executor.shutdownNow();
        try {
            // A task still running may be creating a client; wait for it so that client is released too.
            executor.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
