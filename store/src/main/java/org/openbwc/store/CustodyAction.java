package org.openbwc.store;

/** What happened to a recording, in its custody log ({@link #wireName()} is what the database and exports say). */
public enum CustodyAction {
    /** A unit reported it (sealed, recovered or failed on the unit's storage); its media is still on the unit. */
    REPORTED("reported"),
    /** The unit began to send it (or sent it again after a failure). */
    UPLOAD_STARTED("upload-started"),
    /** All of it arrived in the store. */
    OFFLOADED("offloaded"),
    /** The offload failed. */
    OFFLOAD_FAILED("offload-failed"),
    /** The store checked every segment hash and the manifest signature, and they held. */
    VERIFIED("verified"),
    /** The store's check found a problem (the entry's details say which). */
    VERIFICATION_FAILED("verification-failed"),
    VIEWED("viewed"),
    EXPORTED("exported"),
    CATEGORY_CHANGED("category-changed"),
    HOLD_SET("hold-set"),
    HOLD_CLEARED("hold-cleared"),
    DELETED_BY_RETENTION("deleted-by-retention");

    private final String wireName;

    CustodyAction(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The action with this wire name. */
    public static CustodyAction fromWire(String name) {
        for (CustodyAction a : values()) if (a.wireName.equals(name)) return a;
        throw new IllegalArgumentException("unknown custody action " + name);
    }
}
