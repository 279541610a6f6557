package org.openbwc.store;

/** What happened to a recording, in its custody log ({@link #wireName()} is what the database and exports say). */
public enum CustodyAction {
    OFFLOADED("offloaded"),
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
