package org.openbwc.store;

/** Where a recording's media is, as the index and the API say it ({@link #wireName()}). */
public enum OffloadState {
    /** Only on the unit: the gateway has heard of it, nothing has arrived. */
    ON_UNIT("on-unit"),
    /** Parts are arriving. */
    UPLOADING("uploading"),
    /** All of it is in the store (whether it verified is {@link Recording#verified()}). */
    STORED("stored"),
    /** The offload failed and will not be retried without help. */
    FAILED("failed"),
    /** Retention deleted the media; the row and its custody log stay. */
    DELETED("deleted");

    private final String wireName;

    OffloadState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The state with this wire name. */
    public static OffloadState fromWire(String name) {
        for (OffloadState s : values()) if (s.wireName.equals(name)) return s;
        throw new IllegalArgumentException("unknown offload state " + name);
    }
}
