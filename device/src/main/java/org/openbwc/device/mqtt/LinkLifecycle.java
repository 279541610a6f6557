package org.openbwc.device.mqtt;

/**
 * Where the MQTT link is in its life, and whether it was killed; {@code start()}, {@code close()} and {@code kill()}
 * race for its transitions, everything else only reads it.
 */
final class LinkLifecycle {

    enum Stage {
        NEW,
        RUNNING,
        CLOSING,
        CLOSED
    }

    /** Guards the transitions that start(), close() and kill() race for. */
    private final Object lock = new Object();

    private volatile Stage stage = Stage.NEW;
    private volatile boolean killed;

    /** Moves a new link to RUNNING; returns the stage it was in, so anything but NEW means it did not start. */
    Stage start() {
        synchronized (lock) {
            Stage was = stage;
            if (was == Stage.NEW) stage = Stage.RUNNING;
            return was;
        }
    }

    /** Moves to CLOSING; true if the link was running (so there may be messages to flush). */
    boolean beginClose() {
        synchronized (lock) {
            boolean wasRunning = stage == Stage.RUNNING;
            stage = Stage.CLOSING;
            return wasRunning;
        }
    }

    /** Nothing more is sent or connected. */
    void closed() {
        stage = Stage.CLOSED;
    }

    /** Marks the link killed (and closed); false if it already was. */
    boolean kill() {
        synchronized (lock) {
            if (killed) return false;
            killed = true;
            stage = Stage.CLOSED;
            return true;
        }
    }

    boolean killed() {
        return killed;
    }

    /** Killed or closed: no more connecting, and no more messages taken. */
    boolean ended() {
        return killed || stage == Stage.CLOSED;
    }
}
