package org.openbwc.evidence;

/** Why a recording was sealed; written to the journal and the manifest as {@link #wireName()}. */
public enum EndReason {
    /** The officer (or a remote command) stopped it. */
    STOPPED("stopped"),
    /** It reached the writer's maximum recording length. */
    MAX_DURATION("max-duration"),
    /** Storage fell to the reserve kept for a clean stop. */
    STORAGE_RESERVE("storage-reserve"),
    /** The device shut down while recording. */
    SHUTDOWN("shutdown"),
    /** The battery fell to its critical level: sealed cleanly before the power went. */
    BATTERY_LOW("battery-low"),
    /**
     * The evidence disk filled while the recording was written (not by the recording: that stops at the reserve);
     * what was durable was sealed at once, as recovery would.
     */
    STORAGE_FULL("storage-full"),
    /** A write to the evidence disk failed for another reason; what was durable was sealed at once. */
    WRITE_FAILED("write-failed"),
    /** Sealed on boot from the journal of a recording that was never closed. */
    RECOVERED("recovered");

    private final String wireName;

    EndReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
